package dev.crateforge.scheduler.console;

import dev.crateforge.scheduler.audit.OperatorAudit;
import dev.crateforge.scheduler.console.GatewayRegistry.RegisteredBuilder;
import dev.crateforge.scheduler.console.GatewayRegistry.Registration;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
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
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The builders page and its actions: the builders online (from what the scheduler stores), the
 * builder registry (from the gateway's admin API) and, for admins, registering a builder by its SSH
 * public key, disabling, enabling and deleting one. The registry is the gateway's: every action is
 * a call to its admin API with the operator's own token ({@link GatewayRegistry}), and is audited
 * here once the gateway accepted it. A refusal or an outage of the gateway is a message on the
 * page; the rest of the page (and of the console) is served without it.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsoleBuilders {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance builders(Page page);

        static native TemplateInstance delete(RegisteredBuilder builder);
    }

    /**
     * The builders page.
     *
     * @param registered the registry, or null when it is not shown (see {@code registryNote})
     * @param registryNote why the registry is not shown (not an admin, the gateway's failure)
     * @param error what the last action's refusal said, shown above the form
     * @param form what the register form is filled with (kept after a refusal)
     */
    public record Page(
            List<BuilderRows.Row> online,
            Instant at,
            List<Registered> registered,
            String registryNote,
            String error,
            RegisterForm form) {}

    /** A registered builder and whether it is connected now. */
    public record Registered(RegisteredBuilder builder, boolean online) {}

    /** The register form's fields as the operator typed them. */
    public record RegisterForm(
            String name, String owner, String publicKey, String targets, String maxConcurrentJobs) {
        static final RegisterForm EMPTY = new RegisterForm("", "", "", "", "");
    }

    private final BuilderRows rows;
    private final GatewayRegistry gateway;
    private final OperatorAudit audit;
    private final ConsoleSession session;

    public ConsoleBuilders(
            BuilderRows rows,
            GatewayRegistry gateway,
            OperatorAudit audit,
            ConsoleSession session) {
        this.rows = rows;
        this.gateway = gateway;
        this.audit = audit;
        this.session = session;
    }

    @GET
    @Path("builders")
    public TemplateInstance builders() {
        return Templates.builders(page(null, RegisterForm.EMPTY));
    }

    /** The confirm step of a delete, a page of its own so that it works without JavaScript. */
    @GET
    @Path("builders/{id}/delete")
    public Response confirmDelete(@PathParam("id") String id) {
        UUID builder = builderId(id);
        Operator operator = adminOrRefuse();
        try {
            return Response.ok(Templates.delete(gateway.get(builder, operator.token()))).build();
        } catch (GatewayFailure failure) {
            return refused(failure, RegisterForm.EMPTY);
        }
    }

    @POST
    @Path("builders/register")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response register(
            @FormParam("csrf") String csrf,
            @FormParam("name") String name,
            @FormParam("owner") String owner,
            @FormParam("publicKey") String publicKey,
            @FormParam("targets") String targets,
            @FormParam("maxConcurrentJobs") String maxConcurrentJobs) {
        Operator operator = session.authorise(csrf, true);
        RegisterForm form =
                new RegisterForm(
                        text(name),
                        text(owner),
                        text(publicKey),
                        text(targets),
                        text(maxConcurrentJobs));
        Integer slots;
        try {
            slots =
                    form.maxConcurrentJobs().isEmpty()
                            ? null
                            : Integer.valueOf(form.maxConcurrentJobs());
        } catch (NumberFormatException e) {
            return page(
                    422,
                    "Nothing was registered: 'Most jobs at once' must be a whole number from 1 to 64.",
                    form);
        }
        Registration registration =
                new Registration(
                        form.name(),
                        form.publicKey(),
                        targets(form.targets()),
                        slots,
                        true,
                        form.owner().isEmpty() ? null : form.owner());
        RegisteredBuilder registered;
        try {
            registered = gateway.register(registration, operator.token());
        } catch (GatewayFailure failure) {
            return refused(failure, form);
        }
        record(
                registered.id(),
                operator,
                "register-builder",
                null,
                registered.name()
                        + " "
                        + registered.fingerprint()
                        + (registered.owner() == null ? "" : " owner " + registered.owner())
                        + " targets "
                        + (registered.allowedTargets().isEmpty()
                                ? "all"
                                : String.join(",", registered.allowedTargets())));
        return Response.seeOther(URI.create("/console/builders#builder-" + registered.id()))
                .build();
    }

    @POST
    @Path("builders/{id}/disable")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response disable(@PathParam("id") String id, @FormParam("csrf") String csrf) {
        return setEnabled(id, csrf, false);
    }

    @POST
    @Path("builders/{id}/enable")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response enable(@PathParam("id") String id, @FormParam("csrf") String csrf) {
        return setEnabled(id, csrf, true);
    }

    @POST
    @Path("builders/{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@PathParam("id") String id, @FormParam("csrf") String csrf) {
        UUID builder = builderId(id);
        Operator operator = session.authorise(csrf, true);
        try {
            // Read first, so that the audit names what was deleted.
            RegisteredBuilder before = gateway.get(builder, operator.token());
            gateway.delete(builder, operator.token());
            record(
                    builder,
                    operator,
                    "delete-builder",
                    before.name() + " " + before.fingerprint(),
                    null);
        } catch (GatewayFailure failure) {
            return refused(failure, RegisterForm.EMPTY);
        }
        return Response.seeOther(URI.create("/console/builders")).build();
    }

    private Response setEnabled(String id, String csrf, boolean enabled) {
        UUID builder = builderId(id);
        Operator operator = session.authorise(csrf, true);
        RegisteredBuilder after;
        try {
            after = gateway.setEnabled(builder, enabled, operator.token());
        } catch (GatewayFailure failure) {
            return refused(failure, RegisterForm.EMPTY);
        }
        record(
                builder,
                operator,
                enabled ? "enable-builder" : "disable-builder",
                enabled ? "disabled" : "enabled",
                after.enabled() ? "enabled" : "disabled");
        return Response.seeOther(URI.create("/console/builders#builder-" + builder)).build();
    }

    /**
     * The audit row of an action the gateway accepted. Refusals and outages leave none (as a
     * refused job action leaves none); they are logged and shown to the operator instead.
     */
    private void record(
            UUID builder, Operator operator, String action, String before, String after) {
        QuarkusTransaction.requiringNew()
                .run(() -> audit.builder(builder, operator.name(), action, before, after));
        Log.infof("console: %s %s builder %s", operator.name(), action, builder);
    }

    private Response refused(GatewayFailure failure, RegisterForm form) {
        return page(
                failure.consoleStatus(), failure.getMessage() + " Nothing was changed here.", form);
    }

    private Response page(int status, String error, RegisterForm form) {
        return Response.status(status).entity(Templates.builders(page(error, form))).build();
    }

    /** The page; the registry is read from the gateway for admins only, as its API allows. */
    private Page page(String error, RegisterForm form) {
        List<BuilderRows.Row> online = rows.online();
        List<Registered> registered = null;
        String note;
        Operator operator = session.operator().orElse(null);
        if (operator == null || !operator.admin()) {
            note =
                    "Sign in with the admin group to see every registered builder and to register, disable or delete builders.";
        } else {
            try {
                Set<UUID> connected =
                        online.stream().map(BuilderRows.Row::builderId).collect(Collectors.toSet());
                registered =
                        gateway.list(operator.token()).stream()
                                .map(b -> new Registered(b, connected.contains(b.id())))
                                .toList();
                note = null;
            } catch (GatewayFailure failure) {
                note = failure.getMessage();
            }
        }
        return new Page(online, Instant.now(), registered, note, error, form);
    }

    private Operator adminOrRefuse() {
        Operator operator =
                session.operator()
                        .orElseThrow(
                                () ->
                                        new ConsoleRefusal(
                                                401,
                                                "Not signed in",
                                                "Sign in with an operator token first."));
        if (!operator.admin()) {
            throw new ConsoleRefusal(
                    403,
                    "Not allowed",
                    "Deleting a builder needs the admin group; "
                            + operator.name()
                            + " has "
                            + operator.roles()
                            + ".");
        }
        return operator;
    }

    /** Targets as typed: separated by commas, spaces or lines; none means all. */
    private static List<String> targets(String typed) {
        return Arrays.stream(typed.split("[,\\s]+")).filter(t -> !t.isEmpty()).toList();
    }

    private static String text(String value) {
        return value == null ? "" : value.strip();
    }

    private static UUID builderId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ConsoleRefusal(
                    400, "Bad address", "The builder id in the address is not a UUID.");
        }
    }
}
