package dev.crateforge.scheduler.console;

import dev.crateforge.protocol.job.Naming;
import dev.crateforge.scheduler.api.BadParameterException;
import dev.crateforge.scheduler.api.JobView;
import dev.crateforge.scheduler.api.Parameters;
import dev.crateforge.scheduler.audit.AuditEntry;
import dev.crateforge.scheduler.audit.OperatorAudit;
import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.intake.IntakeRepository;
import dev.crateforge.scheduler.intake.RegistryStatus;
import dev.crateforge.scheduler.intake.RegistryView;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.job.JobService;
import dev.crateforge.scheduler.limits.CrateLimits;
import dev.crateforge.scheduler.limits.CrateLimitsService;
import dev.crateforge.scheduler.logs.LogLine;
import dev.crateforge.scheduler.logs.StageChange;
import dev.crateforge.scheduler.queue.QueueService;
import dev.crateforge.scheduler.queue.QueueSummary;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The console's pages: the queue, a job with its live log, a crate's builds and limits, the
 * followed registries and the services' health (the builders page is {@link ConsoleBuilders}). They
 * are rendered on the server (Qute escapes every value), work without JavaScript, and the one
 * script only follows the live log. A signed-in operator also sees the forms of the actions their
 * role allows ({@link ConsoleActions}). The scheduler serves them because it owns the queue, the
 * jobs and their logs (docs/architecture.md).
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    /** Lines rendered with the page; the live log follows on from the last of them. */
    static final int LOG_LINES_ON_PAGE = 2000;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance queue(QueueSummary queue);

        static native TemplateInstance job(
                JobView job,
                List<LogLine> lines,
                List<StageChange> stages,
                List<AuditEntry> actions,
                long lastSeq,
                boolean live,
                boolean cut,
                Downloads downloads);

        static native TemplateInstance crate(
                String name, List<CrateBuild> builds, CrateLimits limits, List<AuditEntry> actions);

        static native TemplateInstance health(ServiceHealth.Report report);

        /** {@code registries} is null for a visitor who is not signed in. */
        static native TemplateInstance registries(List<RegistryView> registries);
    }

    /** A row of the crate page: the build, and its download once it succeeded. */
    public record CrateBuild(JobView job, Downloads downloads, boolean yanked) {}

    /** Actions of a crate shown on its page, newest first. */
    static final int CRATE_ACTIONS_ON_PAGE = 50;

    private final QueueService queue;
    private final JobService jobs;
    private final CrateLimitsService limits;
    private final OperatorAudit audit;
    private final ServiceHealth health;
    private final IntakeRepository intake;
    private final RegistryStatus registries;
    private final ConsoleSession session;
    private final String artifactService;

    public ConsoleResource(
            QueueService queue,
            JobService jobs,
            CrateLimitsService limits,
            OperatorAudit audit,
            ServiceHealth health,
            IntakeRepository intake,
            RegistryStatus registries,
            ConsoleSession session,
            SchedulerConfig config) {
        this.intake = intake;
        this.registries = registries;
        this.session = session;
        this.queue = queue;
        this.jobs = jobs;
        this.limits = limits;
        this.audit = audit;
        this.health = health;
        this.artifactService = config.publicArtifactUrl().orElse(config.artifactBaseUrl());
    }

    @GET
    public TemplateInstance queue() {
        return Templates.queue(queue.summary());
    }

    @GET
    @Path("jobs/{id}")
    public TemplateInstance job(@PathParam("id") String id) {
        UUID jobId = Parameters.uuid("id", id);
        Job job = jobs.get(jobId);
        List<LogLine> lines = jobs.logs(jobId, Optional.of(job.attempt), 0, LOG_LINES_ON_PAGE);
        long lastSeq = lines.isEmpty() ? 0 : lines.get(lines.size() - 1).seq();
        JobView view = JobView.of(job, queue.estimate(job));
        return Templates.job(
                view,
                lines,
                jobs.stages(jobId, job.attempt),
                audit.ofJob(jobId),
                lastSeq,
                !job.state.isFinal(),
                // A running job's log goes on live from the last line shown; an ended one stops.
                job.state.isFinal() && lines.size() == LOG_LINES_ON_PAGE,
                Downloads.of(view, artifactService).orElse(null));
    }

    /** The search form: a crate name leads to the crate's page. */
    @GET
    @Path("crates")
    public Response search(@QueryParam("name") String name) {
        return Response.seeOther(URI.create("/console/crates/" + crateName(name))).build();
    }

    @GET
    @Path("crates/{name}")
    public TemplateInstance crate(@PathParam("name") String name) {
        String crate = crateName(name);
        Set<String> yanked =
                QuarkusTransaction.requiringNew().call(() -> intake.yankedVersions(crate));
        List<CrateBuild> builds =
                jobs.list(Optional.empty(), Optional.of(crate), Optional.empty(), 0, 500).stream()
                        .map(JobView::of)
                        .map(
                                view ->
                                        new CrateBuild(
                                                view,
                                                Downloads.of(view, artifactService).orElse(null),
                                                yanked.contains(view.version())))
                        .toList();
        return Templates.crate(
                crate,
                builds,
                limits.find(crate).orElse(null),
                audit.newest(
                        Optional.of(OperatorAudit.TargetKind.CRATE),
                        Optional.of(crate),
                        Long.MAX_VALUE,
                        CRATE_ACTIONS_ON_PAGE));
    }

    @GET
    @Path("health")
    public TemplateInstance health() {
        return Templates.health(health.report());
    }

    /**
     * The followed registries, for signed-in operators only, as the API keeps them to submitters
     * and admins: an error may name an index's address.
     */
    @GET
    @Path("registries")
    public TemplateInstance registries() {
        return Templates.registries(session.operator().isPresent() ? registries.all() : null);
    }

    private static String crateName(String name) {
        String trimmed = name == null ? "" : name.trim();
        if (!Naming.isCrateName(trimmed)) {
            throw new BadParameterException(
                    "name", "'name' must be a crate name (a letter, then letters, digits, - or _)");
        }
        return trimmed;
    }
}
