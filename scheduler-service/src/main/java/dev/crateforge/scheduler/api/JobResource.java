package dev.crateforge.scheduler.api;

import static dev.crateforge.scheduler.api.Parameters.uuid;

import dev.crateforge.protocol.job.JobState;
import dev.crateforge.scheduler.api.ApiTypes.BatchEntry;
import dev.crateforge.scheduler.api.ApiTypes.BatchResult;
import dev.crateforge.scheduler.api.ApiTypes.BatchSubmission;
import dev.crateforge.scheduler.api.ApiTypes.JobPage;
import dev.crateforge.scheduler.api.ApiTypes.LogPage;
import dev.crateforge.scheduler.api.ApiTypes.PriorityChange;
import dev.crateforge.scheduler.api.ApiTypes.SourceCorrection;
import dev.crateforge.scheduler.api.ApiTypes.Stage;
import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.job.JobHistory;
import dev.crateforge.scheduler.job.JobService;
import dev.crateforge.scheduler.logs.LogFollower;
import dev.crateforge.scheduler.logs.LogLine;
import dev.crateforge.scheduler.queue.QueueService;
import dev.crateforge.scheduler.submission.InvalidSubmissionException;
import dev.crateforge.scheduler.submission.JobSubmission;
import dev.crateforge.scheduler.submission.SubmissionService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The jobs API: submit, look, cancel, retry, change the priority, read and follow logs. Changing a
 * job needs the role {@code submitter} or {@code admin}; reading is public.
 */
@Path("/api/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
public class JobResource {

    /** Most log lines per page. */
    static final int LOG_PAGE_MAX = 5000;

    private final SubmissionService submissions;
    private final JobService jobs;
    private final LogFollower follower;
    private final SecurityIdentity identity;
    private final SchedulerConfig config;
    private final QueueService queue;

    public JobResource(
            SubmissionService submissions,
            JobService jobs,
            LogFollower follower,
            SecurityIdentity identity,
            SchedulerConfig config,
            QueueService queue) {
        this.queue = queue;
        this.submissions = submissions;
        this.jobs = jobs;
        this.follower = follower;
        this.identity = identity;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"submitter", "admin"})
    @Operation(summary = "Submit a job; the same job again returns the existing one (200)")
    public Response submit(JobSubmission submission) {
        if (submission == null) {
            throw new InvalidSubmissionException("body", "request body is missing");
        }
        SubmissionService.Submitted result = submissions.submit(submission);
        JobView view = JobView.of(result.job());
        return result.created()
                ? Response.created(URI.create("/api/v1/jobs/" + view.id())).entity(view).build()
                : Response.ok(view).build();
    }

    @POST
    @Path("batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"submitter", "admin"})
    @Operation(summary = "Submit many jobs; all are validated before any is stored")
    public BatchResult submitBatch(BatchSubmission batch) {
        if (batch == null) {
            throw new InvalidSubmissionException("body", "request body is missing");
        }
        List<BatchEntry> entries =
                submissions.submitBatch(batch.jobs()).stream()
                        .map(s -> new BatchEntry(s.created(), JobView.of(s.job())))
                        .toList();
        return new BatchResult(entries);
    }

    @GET
    @Path("{id}")
    @PermitAll
    @Operation(summary = "One job; a queued one with its queue position and expected start")
    public JobView get(@PathParam("id") String id) {
        Job job = jobs.get(uuid("id", id));
        return JobView.of(job, queue.estimate(job));
    }

    @GET
    @PermitAll
    @Operation(summary = "Jobs, newest first, filtered by state, crate and builder")
    public JobPage list(
            @QueryParam("state") String state,
            @QueryParam("crate") String crate,
            @QueryParam("builder") String builder,
            @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        int pageIndex = page == null ? 0 : page;
        int pageSize = size == null ? 50 : size;
        if (pageIndex < 0) {
            throw new BadParameterException("page", "query parameter 'page' must be 0 or more");
        }
        if (pageSize < 1 || pageSize > config.pageMax()) {
            throw new BadParameterException(
                    "size", "query parameter 'size' must be between 1 and " + config.pageMax());
        }
        Optional<JobState> stateFilter = Optional.empty();
        if (state != null) {
            try {
                stateFilter = Optional.of(JobState.fromWireName(state));
            } catch (IllegalArgumentException e) {
                throw new BadParameterException(
                        "state",
                        "query parameter 'state' must be one of queued, assigned, running,"
                                + " succeeded, failed, cancelled");
            }
        }
        Optional<UUID> builderFilter =
                builder == null ? Optional.empty() : Optional.of(uuid("builder", builder));
        List<JobView> items =
                jobs
                        .list(
                                stateFilter,
                                Optional.ofNullable(crate),
                                builderFilter,
                                pageIndex,
                                pageSize)
                        .stream()
                        .map(JobView::of)
                        .toList();
        return new JobPage(pageIndex, pageSize, items);
    }

    @POST
    @Path("{id}/cancel")
    @RolesAllowed({"submitter", "admin"})
    @Operation(summary = "Cancel a job that has not finished; its builder is told to stop")
    public JobView cancel(@PathParam("id") String id) {
        return JobView.of(jobs.cancel(uuid("id", id), actor()));
    }

    @POST
    @Path("{id}/retry")
    @RolesAllowed({"submitter", "admin"})
    @Operation(
            summary =
                    "Queue a failed or cancelled job again as a new attempt (correct a wrong source"
                            + " URL first with PATCH)")
    public JobView retry(@PathParam("id") String id) {
        return JobView.of(jobs.retry(uuid("id", id), actor()));
    }

    @POST
    @Path("{id}/priority")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"submitter", "admin"})
    @Operation(
            summary =
                    "Change the priority a job is claimed by (higher first); recorded in the audit")
    public JobView changePriority(@PathParam("id") String id, PriorityChange change) {
        if (change == null || change.priority() == null) {
            throw new InvalidSubmissionException("priority", "field 'priority' is missing");
        }
        return JobView.of(jobs.changePriority(uuid("id", id), change.priority(), actor()));
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"submitter", "admin"})
    @Operation(
            summary =
                    "Correct a job's source URL (the SHA-256 stays); recorded in the job's history")
    public JobView correct(@PathParam("id") String id, SourceCorrection correction) {
        if (correction == null || correction.sourceUrl() == null) {
            throw new InvalidSubmissionException("sourceUrl", "field 'sourceUrl' is missing");
        }
        return JobView.of(jobs.correctSourceUrl(uuid("id", id), correction.sourceUrl(), actor()));
    }

    @GET
    @Path("{id}/history")
    @PermitAll
    @Operation(summary = "What operators changed on the job, oldest first")
    public List<JobHistory.Change> history(@PathParam("id") String id) {
        return jobs.history(uuid("id", id));
    }

    @GET
    @Path("{id}/logs")
    @PermitAll
    @Operation(
            summary =
                    "Log lines of an attempt (default: the current one) after sequence number 'after'")
    public LogPage logs(
            @PathParam("id") String id,
            @QueryParam("after") Long after,
            @QueryParam("attempt") Integer attempt,
            @QueryParam("limit") Integer limit) {
        UUID jobId = uuid("id", id);
        long afterSeq = after == null ? 0 : after;
        if (afterSeq < 0) {
            throw new BadParameterException("after", "query parameter 'after' must be 0 or more");
        }
        int max = limit == null ? 1000 : limit;
        if (max < 1 || max > LOG_PAGE_MAX) {
            throw new BadParameterException(
                    "limit", "query parameter 'limit' must be between 1 and " + LOG_PAGE_MAX);
        }
        int shownAttempt = attemptOrCurrent(jobId, attempt);
        List<LogLine> lines = jobs.logs(jobId, Optional.of(shownAttempt), afterSeq, max);
        long next = lines.isEmpty() ? afterSeq : lines.get(lines.size() - 1).seq();
        List<Stage> stages =
                jobs.stages(jobId, shownAttempt).stream()
                        .map(s -> new Stage(s.seq(), s.stage(), s.at()))
                        .toList();
        return new LogPage(jobId, shownAttempt, next, lines, stages);
    }

    @GET
    @Path("{id}/logs/stream")
    @PermitAll
    @Blocking
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "Follow an attempt's log (default: the current one) as Server-Sent Events until"
                            + " the attempt ends")
    public Multi<LogLine> stream(
            @PathParam("id") String id,
            @QueryParam("after") Long after,
            @QueryParam("attempt") Integer attempt) {
        UUID jobId = uuid("id", id);
        return follower.follow(
                jobId, attemptOrCurrent(jobId, attempt), after == null ? 0 : Math.max(0, after));
    }

    /**
     * The attempt a log request names, or the job's current one; a number outside 1..1000 is a bad
     * parameter.
     */
    private int attemptOrCurrent(UUID jobId, Integer attempt) {
        if (attempt != null && (attempt < 1 || attempt > 1000)) {
            throw new BadParameterException(
                    "attempt", "query parameter 'attempt' must be between 1 and 1000");
        }
        return attempt == null ? jobs.get(jobId).attempt : attempt;
    }

    private String actor() {
        return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }
}
