package dev.crateforge.scheduler.console;

import dev.crateforge.protocol.job.JobLimitsOverride;
import dev.crateforge.protocol.job.Naming;
import dev.crateforge.scheduler.job.JobConflictException;
import dev.crateforge.scheduler.job.JobNotFoundException;
import dev.crateforge.scheduler.job.JobService;
import dev.crateforge.scheduler.limits.CrateLimitsNotFoundException;
import dev.crateforge.scheduler.limits.CrateLimitsService;
import dev.crateforge.scheduler.submission.InvalidSubmissionException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The console's sign-in and its operator actions. Every action is a form POST that answers with a
 * redirect to the page it changed (so it works without JavaScript and a reload never repeats it),
 * and is authorised by {@link ConsoleSession#authorise}: same origin, a session, the session's CSRF
 * token, the role. The actions are the service methods the API calls, which also write the audit
 * row; nothing of the lifecycle is decided here.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsoleActions {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(String refusal);

        static native TemplateInstance error(String title, String message);
    }

    private final ConsoleSession session;
    private final ConsoleLogins logins;
    private final JobService jobs;
    private final CrateLimitsService limits;

    public ConsoleActions(
            ConsoleSession session,
            ConsoleLogins logins,
            JobService jobs,
            CrateLimitsService limits) {
        this.session = session;
        this.logins = logins;
        this.jobs = jobs;
        this.limits = limits;
    }

    @GET
    @Path("login")
    public TemplateInstance loginPage() {
        return Templates.login(null);
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@FormParam("token") String token) {
        session.requireSameOrigin();
        Operator operator;
        try {
            operator = logins.signIn(token);
        } catch (ConsoleRefusal refusal) {
            return Response.status(refusal.status())
                    .entity(Templates.login(refusal.getMessage()))
                    .build();
        }
        return Response.seeOther(URI.create("/console/login"))
                .cookie(logins.cookie(operator))
                .build();
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(@FormParam("csrf") String csrf) {
        session.authorise(csrf, false);
        return Response.seeOther(URI.create("/console/login")).cookie(logins.cleared()).build();
    }

    @POST
    @Path("jobs/{id}/cancel")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response cancel(@PathParam("id") String id, @FormParam("csrf") String csrf) {
        return onJob(id, csrf, jobs::cancel);
    }

    @POST
    @Path("jobs/{id}/retry")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response retry(@PathParam("id") String id, @FormParam("csrf") String csrf) {
        return onJob(id, csrf, jobs::retry);
    }

    @POST
    @Path("jobs/{id}/priority")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response priority(
            @PathParam("id") String id,
            @FormParam("csrf") String csrf,
            @FormParam("priority") String priority) {
        return onJob(
                id,
                csrf,
                (job, by) ->
                        jobs.changePriority(job, (int) number("priority", priority, false), by));
    }

    @POST
    @Path("crates/{name}/limits")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response setLimits(
            @PathParam("name") String name,
            @FormParam("csrf") String csrf,
            @FormParam("memoryBytes") String memoryBytes,
            @FormParam("cpuSeconds") String cpuSeconds,
            @FormParam("processes") String processes,
            @FormParam("diskBytes") String diskBytes,
            @FormParam("logBytes") String logBytes,
            @FormParam("noOutputSeconds") String noOutputSeconds) {
        String crate = crateName(name);
        Operator operator = session.authorise(csrf, true);
        JobLimitsOverride override;
        try {
            Long procs = optional("processes", processes);
            override =
                    new JobLimitsOverride(
                            optional("memoryBytes", memoryBytes),
                            optional("cpuSeconds", cpuSeconds),
                            procs == null ? null : (int) clamp(procs),
                            optional("diskBytes", diskBytes),
                            optional("logBytes", logBytes),
                            optional("noOutputSeconds", noOutputSeconds));
        } catch (IllegalArgumentException e) {
            throw new ConsoleRefusal(422, "Invalid limits", e.getMessage() + ".");
        }
        if (override.setsNothing()) {
            throw new ConsoleRefusal(
                    422,
                    "Invalid limits",
                    "No limit is filled in. To remove the crate's limits, use Clear.");
        }
        return act(() -> limits.set(crate, override, operator.name()), cratePage(crate));
    }

    @POST
    @Path("crates/{name}/limits/clear")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response clearLimits(@PathParam("name") String name, @FormParam("csrf") String csrf) {
        String crate = crateName(name);
        Operator operator = session.authorise(csrf, true);
        return act(
                () -> {
                    limits.remove(crate, operator.name());
                    return crate;
                },
                cratePage(crate));
    }

    /** An action on a job that takes nothing but the operator's name. */
    private Response onJob(String id, String csrf, BiFunction<UUID, String, ?> action) {
        UUID job = jobId(id);
        Operator operator = session.authorise(csrf, false);
        return act(() -> action.apply(job, operator.name()), jobPage(job));
    }

    /** Runs an action and sees the page it changed, or shows why the service refused it. */
    private static Response act(Supplier<?> action, URI page) {
        try {
            action.get();
        } catch (JobNotFoundException | CrateLimitsNotFoundException e) {
            throw new ConsoleRefusal(404, "Not found", e.getMessage());
        } catch (JobConflictException e) {
            throw new ConsoleRefusal(409, "Not possible now", e.getMessage());
        } catch (InvalidSubmissionException e) {
            throw new ConsoleRefusal(422, "Invalid value", e.getMessage());
        }
        return Response.seeOther(page).build();
    }

    private static URI jobPage(UUID job) {
        return URI.create("/console/jobs/" + job);
    }

    private static URI cratePage(String crate) {
        return URI.create("/console/crates/" + crate);
    }

    private static UUID jobId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ConsoleRefusal(
                    400, "Bad address", "The job id in the address is not a UUID.");
        }
    }

    private static String crateName(String name) {
        if (!Naming.isCrateName(name)) {
            throw new ConsoleRefusal(
                    400, "Bad address", "The crate name in the address is not a crate name.");
        }
        return name;
    }

    /** Out of int's range stays out of the limit's range, for the record to refuse. */
    private static long clamp(long value) {
        return Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
    }

    /** A form field left empty means "not set". */
    private static Long optional(String field, String value) {
        return value == null || value.isBlank() ? null : number(field, value, true);
    }

    private static long number(String field, String value, boolean wide) {
        if (value == null || value.isBlank()) {
            throw new ConsoleRefusal(422, "Invalid value", "Fill in '" + field + "'.");
        }
        try {
            return wide ? Long.parseLong(value.strip()) : Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new ConsoleRefusal(
                    422, "Invalid value", "'" + field + "' must be a whole number.");
        }
    }
}
