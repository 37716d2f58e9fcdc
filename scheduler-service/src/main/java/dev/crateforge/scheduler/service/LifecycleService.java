package dev.crateforge.scheduler.service;

import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.kafka.ArtifactStored;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.messaging.EventPublisher;
import dev.crateforge.scheduler.repository.ArtifactRepository;
import dev.crateforge.scheduler.repository.BuilderConnectionRepository;
import dev.crateforge.scheduler.repository.Job;
import dev.crateforge.scheduler.repository.JobRepository;
import dev.crateforge.scheduler.repository.JobRequestRepository;
import dev.crateforge.scheduler.repository.OnlineBuilder;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Moves jobs through their life on what builders, gateways and the artifact service report, and on
 * time running out. Every handler locks the job row first and checks that the record belongs to the
 * live attempt; a record of an older attempt changes nothing and is logged.
 */
@ApplicationScoped
@Transactional
public class LifecycleService {

    /** The stream name of lines the scheduler itself writes into a job's log. */
    public static final String SCHEDULER_STREAM = "scheduler";

    private final JobRepository jobs;
    private final EventIngestion events;
    private final ArtifactRepository artifacts;
    private final BuilderConnectionRepository connections;
    private final JobRequestRepository requests;
    private final EventPublisher publisher;
    private final WorkSignal workSignal;
    private final SchedulerMetrics metrics;
    private final SchedulerConfig config;

    public LifecycleService(
            JobRepository jobs,
            EventIngestion events,
            ArtifactRepository artifacts,
            BuilderConnectionRepository connections,
            JobRequestRepository requests,
            EventPublisher publisher,
            WorkSignal workSignal,
            SchedulerMetrics metrics,
            SchedulerConfig config) {
        this.jobs = jobs;
        this.events = events;
        this.artifacts = artifacts;
        this.connections = connections;
        this.requests = requests;
        this.publisher = publisher;
        this.workSignal = workSignal;
        this.metrics = metrics;
        this.config = config;
    }

    /** Dispatches one record of the job-events topic. */
    public void activity(JobActivity activity) {
        if (activity instanceof JobActivity.EventReported event) {
            eventReported(event);
        } else if (activity instanceof JobActivity.Completed completed) {
            completed(completed);
        } else if (activity instanceof JobActivity.Undeliverable undeliverable) {
            undeliverable(undeliverable);
        }
    }

    /**
     * Handles one poll's worth of job-events records in the caller's single transaction, in their
     * order. Each run of consecutive builder events is applied by {@link EventIngestion} with a
     * fixed number of statements; any other record (completion, undeliverable notice) is handled on
     * its own after the events before it, so a completion still lands after the log lines sent
     * before it.
     */
    public void activities(List<JobActivity> batch) {
        List<JobActivity.EventReported> run = new ArrayList<>();
        boolean entitiesUsed = false;
        for (JobActivity activity : batch) {
            if (activity instanceof JobActivity.EventReported event) {
                run.add(event);
                continue;
            }
            applyEvents(run, entitiesUsed);
            run.clear();
            activity(activity);
            entitiesUsed = true;
        }
        applyEvents(run, entitiesUsed);
    }

    /**
     * A run of events, written with plain SQL. Job entities a completion loaded earlier in this
     * transaction are flushed first (so the SQL sees their changes) and detached (so nobody later
     * reads a copy older than the SQL's writes).
     */
    private void applyEvents(List<JobActivity.EventReported> run, boolean entitiesUsed) {
        if (run.isEmpty()) {
            return;
        }
        if (entitiesUsed) {
            jobs.flush();
            jobs.getEntityManager().clear();
        }
        events.apply(run);
    }

    /**
     * A log line, stage change or heartbeat: extends the lease, starts the job, stores the line.
     */
    public void eventReported(JobActivity.EventReported event) {
        events.apply(List.of(event));
    }

    /**
     * The builder's signed result. Success waits for the artifact records it names. A failure whose
     * code is the crate's or the submission's ends the job; a failure that is not the crate's
     * ({@link FailureCode#retried()}) requeues it with backoff, without using up an attempt, until
     * the job's infrastructure retries run out. A completion of an attempt the builder does not
     * hold changes nothing, and the builder is told so ({@code unknown_job}).
     */
    public void completed(JobActivity.Completed completed) {
        Optional<Job> live =
                liveAttempt(
                        completed.jobId(),
                        completed.attempt(),
                        completed.builderId(),
                        "completion");
        if (live.isEmpty()) {
            publisher.unknownJob(
                    completed.builderId(),
                    completed.jobId(),
                    completed.attempt(),
                    "attempt "
                            + completed.attempt()
                            + " of job "
                            + completed.jobId()
                            + " is not held by this builder");
            return;
        }
        Job job = live.get();
        if (completed.result() == JobResult.FAILED) {
            FailureCode code =
                    Objects.requireNonNullElse(completed.failureCode(), FailureCode.BUILD_FAILED);
            String reason =
                    "build failed on builder: "
                            + Objects.requireNonNullElse(
                                    completed.failureReason(), "no reason given");
            if (code.retried()) {
                retryInfrastructure(job, code, reason);
            } else {
                fail(job, reason, code);
            }
            return;
        }
        Optional<String> mismatch = statementMismatch(job, completed);
        if (mismatch.isPresent()) {
            fail(job, mismatch.get(), FailureCode.INFRASTRUCTURE);
            return;
        }
        Instant now = Instant.now();
        job.pendingCompletion = new String(RecordCodec.encode(completed), StandardCharsets.UTF_8);
        job.completionSeenAt = now;
        job.updatedAt = now;
        settleCompletion(job, false);
    }

    /** An artifact was stored; it may be the one a waiting completion needs. */
    public void artifactStored(ArtifactStored stored) {
        if (!artifacts.record(stored)) {
            Log.infof("Ignoring artifact record of unknown job %s", stored.jobId());
            return;
        }
        boolean live =
                jobs.holder(stored.jobId())
                        .map(h -> h.state().isActive() && h.attempt() == stored.attempt())
                        .orElse(false);
        if (live) {
            jobs.lock(stored.jobId())
                    .filter(job -> job.pendingCompletion != null && job.isLive(stored.attempt()))
                    .ifPresent(job -> settleCompletion(job, false));
        }
    }

    /** The gateway could not hand the assignment to the builder: requeue now, no attempt lost. */
    public void undeliverable(JobActivity.Undeliverable undeliverable) {
        Optional<Job> live =
                liveAttempt(
                        undeliverable.jobId(),
                        undeliverable.attempt(),
                        undeliverable.builderId(),
                        "undeliverable notice");
        live.filter(job -> undeliverable.connectionId().equals(job.connectionId))
                .ifPresent(
                        job ->
                                requeue(
                                        job,
                                        "assignment undeliverable: " + undeliverable.reason(),
                                        "undeliverable",
                                        true,
                                        false,
                                        true));
    }

    public void connected(BuilderConnectionChange.Connected change) {
        connections.connected(change);
    }

    /** Drops the connection's waiting request and starts the grace period of its jobs. */
    public void disconnected(BuilderConnectionChange.Disconnected change) {
        connections.disconnected(change);
        requests.delete(change.connectionId());
        startGrace(jobs.liveOnConnection(change.connectionId()), change.at());
    }

    /**
     * A gateway process is gone: every connection it held is treated exactly as if a {@code
     * Disconnected} record had arrived for it, also requests and jobs of connections whose {@code
     * Connected} record never arrived.
     */
    public void gatewayGone(String gatewayInstance, String reason, Instant at) {
        for (OnlineBuilder open : connections.openOn(gatewayInstance)) {
            connections.disconnected(
                    new BuilderConnectionChange.Disconnected(
                            open.builderId(), open.connectionId(), gatewayInstance, reason, at));
        }
        requests.deleteOfGateway(gatewayInstance);
        startGrace(jobs.liveOnGateway(gatewayInstance), at);
    }

    private void startGrace(List<java.util.UUID> held, Instant at) {
        for (java.util.UUID id : held) {
            jobs.lock(id)
                    .filter(job -> job.state.isActive() && job.disconnectedAt == null)
                    .ifPresent(
                            job -> {
                                job.disconnectedAt = at;
                                job.updatedAt = Instant.now();
                            });
        }
    }

    /**
     * Requeues or fails overdue attempts: lease expired, builder gone past the grace period,
     * completion waiting too long for its artifacts. Safe on every replica at once.
     *
     * @return the number of jobs handled (a full batch means: call again)
     */
    public int sweepOverdue(int batch) {
        List<Job> overdue =
                jobs.lockOverdue(config.disconnectGrace(), config.completionWait(), batch);
        Instant now = Instant.now();
        for (Job job : overdue) {
            if (job.completionSeenAt != null
                    && job.completionSeenAt.plus(config.completionWait()).isBefore(now)) {
                settleCompletion(job, true);
            } else if (job.leaseExpiresAt != null && job.leaseExpiresAt.isBefore(now)) {
                metrics.leaseExpired();
                requeue(job, "lease expired", "lease-expired", false, true, true);
            } else if (job.disconnectedAt != null) {
                requeue(
                        job,
                        "builder disconnected for longer than " + config.disconnectGrace(),
                        "disconnected",
                        false,
                        true,
                        true);
            }
        }
        return overdue.size();
    }

    /** Forgets connections closed long ago. */
    public int purgeClosedConnections() {
        return connections.purgeClosedBefore(Instant.now().minus(config.closedConnectionMemory()));
    }

    /**
     * Puts the job back in the queue with the next attempt number, or fails it when it has no
     * attempts left. The old attempt's builder is told to stop, and its token stops being accepted
     * because the artifact service sees the new attempt.
     *
     * @param countsAttempt false when the attempt never reached the builder, or failed for a reason
     *     that is not the crate's
     * @param cancelOld whether the builder may still be running the old attempt
     */
    void requeue(
            Job job,
            String reason,
            String metricReason,
            boolean immediate,
            boolean countsAttempt,
            boolean cancelOld) {
        if (cancelOld && job.builderId != null) {
            publisher.cancelAttempt(job.builderId, job.id, job.attempt, reason);
        }
        if ((countsAttempt && job.attempt >= job.maxAttempts) || job.attempt >= 1000) {
            fail(
                    job,
                    reason + "; no attempts left (" + job.attempt + " of " + job.maxAttempts + ")",
                    FailureCode.INFRASTRUCTURE);
            return;
        }
        Instant now = Instant.now();
        int previous = job.attempt;
        job.attempt = previous + 1;
        if (!countsAttempt) {
            job.maxAttempts = Math.min(1000, job.maxAttempts + 1);
        }
        job.state = JobState.QUEUED;
        job.notBefore = immediate ? now : now.plus(backoff(previous));
        job.failureReason = reason;
        release(job);
        job.updatedAt = now;
        metrics.requeued(metricReason);
        Log.infof(
                "Requeued job %s as attempt %d (%s), eligible at %s",
                job.id, job.attempt, reason, job.notBefore);
        publisher.stateChanged(job);
        workSignal.jobsQueued();
    }

    /** Backoff after attempt {@code n}: initial × 2^(n-1), at most the configured maximum. */
    Duration backoff(int attempt) {
        Duration delay = config.backoffInitial();
        for (int i = 1; i < attempt && delay.compareTo(config.backoffMax()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(config.backoffMax()) > 0 ? config.backoffMax() : delay;
    }

    /**
     * A failure that is not the crate's: the job goes back to the queue with backoff (the attempt
     * does not count), until {@code infrastructure-retries} such requeues are used up; then it
     * fails with {@link FailureCode#INFRASTRUCTURE}, never with the crate's failure.
     */
    private void retryInfrastructure(Job job, FailureCode code, String reason) {
        if (job.infrastructureRetries >= config.infrastructureRetries()) {
            fail(
                    job,
                    reason
                            + " ("
                            + code
                            + "); infrastructure retries used up ("
                            + job.infrastructureRetries
                            + " of "
                            + config.infrastructureRetries()
                            + ")",
                    FailureCode.INFRASTRUCTURE);
            return;
        }
        job.infrastructureRetries++;
        job.failureCode = code.wireName();
        requeue(job, reason + " (" + code + ")", "infrastructure", false, false, false);
    }

    private void fail(Job job, FailureCode code, String reason) {
        fail(job, reason, code);
    }

    void fail(Job job, String reason, FailureCode code) {
        boolean wasHeld = job.state.isActive();
        Instant now = Instant.now();
        job.state = JobState.FAILED;
        job.failureCode = code.wireName();
        job.failureReason = reason;
        job.finishedAt = now;
        job.updatedAt = now;
        release(job);
        Log.infof("Job %s failed on attempt %d (%s): %s", job.id, job.attempt, code, reason);
        publisher.stateChanged(job);
        if (wasHeld) {
            // The builder has a slot free again: a request held back by its limit may go now.
            workSignal.jobsQueued();
        }
    }

    /** Clears what belongs to the attempt that just ended (the builder id stays for history). */
    static void release(Job job) {
        if (job.state == JobState.QUEUED) {
            job.builderId = null;
            job.logBytes = 0;
            job.logTruncated = false;
            job.stage = null;
            job.startedAt = null;
            job.assignedAt = null;
        }
        job.connectionId = null;
        job.gatewayInstance = null;
        job.leaseExpiresAt = null;
        job.disconnectedAt = null;
        job.pendingCompletion = null;
        job.completionSeenAt = null;
    }

    private void settleCompletion(Job job, boolean deadline) {
        JobActivity.Completed completed;
        try {
            completed =
                    (JobActivity.Completed)
                            RecordCodec.decode(
                                    job.pendingCompletion.getBytes(StandardCharsets.UTF_8),
                                    JobActivity.class);
        } catch (ProtocolDecodeException e) {
            fail(job, "stored completion is unreadable", FailureCode.INFRASTRUCTURE);
            return;
        }
        Map<ArtifactKind, ArtifactDigest> stored = new EnumMap<>(ArtifactKind.class);
        for (ArtifactDigest digest : artifacts.forAttempt(job.id, job.attempt)) {
            stored.put(digest.kind(), digest);
        }
        List<String> missing = new java.util.ArrayList<>();
        for (ArtifactDigest reported : completed.artifacts()) {
            ArtifactDigest actual = stored.get(reported.kind());
            if (actual == null) {
                missing.add(reported.kind().wireName());
            } else if (!actual.equals(reported)) {
                fail(
                        job,
                        FailureCode.INFRASTRUCTURE,
                        "artifact '"
                                + reported.kind()
                                + "' mismatch: builder reported sha256 "
                                + reported.sha256()
                                + " size "
                                + reported.size()
                                + ", artifact service stored sha256 "
                                + actual.sha256()
                                + " size "
                                + actual.size());
                return;
            }
        }
        if (!missing.isEmpty()) {
            if (deadline) {
                fail(
                        job,
                        FailureCode.INFRASTRUCTURE,
                        "artifact(s) "
                                + String.join(", ", missing)
                                + " reported but not stored within "
                                + config.completionWait());
            } else {
                Log.debugf("Job %s completion waits for artifact(s) %s", job.id, missing);
            }
            return;
        }
        Instant now = Instant.now();
        job.state = JobState.SUCCEEDED;
        job.statement = completed.statement();
        job.signature = completed.signature();
        job.builderPublicKey = completed.builderPublicKey();
        job.failureReason = null;
        job.failureCode = null;
        job.finishedAt = now;
        job.updatedAt = now;
        release(job);
        Log.infof("Job %s succeeded on attempt %d", job.id, job.attempt);
        publisher.stateChanged(job);
        workSignal.jobsQueued();
    }

    /** What is wrong with the signed statement compared to the job and the completion, if any. */
    static Optional<String> statementMismatch(Job job, JobActivity.Completed completed) {
        BuildStatement statement;
        try {
            statement = BuildStatement.parse(completed.statement());
        } catch (IllegalArgumentException e) {
            return Optional.of("build statement rejected: " + e.getMessage());
        }
        String field = null;
        if (!statement.jobId().equals(job.id)) {
            field = "job";
        } else if (!statement.attempt().equals(completed.attempt())) {
            field = "attempt";
        } else if (!statement.crate().equals(job.crate)) {
            field = "crate";
        } else if (!statement.version().equals(job.version)) {
            field = "version";
        } else if (!statement.target().equals(job.target)) {
            field = "target";
        } else if (statement.kind() != job.kind) {
            field = "kind";
        } else if (!statement.sourceSha256().equals(job.sourceSha256)) {
            field = "source-sha256";
        } else if (statement.result() != completed.result()) {
            field = "result";
        } else if (!new HashSet<>(statement.artifacts())
                .equals(new HashSet<>(completed.artifacts()))) {
            field = "artifact";
        }
        if (field != null) {
            return Optional.of(
                    "build statement does not match the job: field '" + field + "' differs");
        }
        if (completed.artifacts().stream().noneMatch(a -> a.kind() == job.kind)) {
            return Optional.of("no '" + job.kind + "' artifact reported");
        }
        if (completed.artifacts().stream().anyMatch(a -> a.kind() != job.kind)) {
            return Optional.of("an artifact of a kind other than '" + job.kind + "' was reported");
        }
        return Optional.empty();
    }

    private Optional<Job> liveAttempt(
            java.util.UUID jobId, int attempt, java.util.UUID builderId, String what) {
        Optional<JobRepository.Holder> holder = jobs.holder(jobId);
        if (holder.isEmpty()) {
            Log.warnf("Ignoring %s of unknown job %s", what, jobId);
            return Optional.empty();
        }
        if (!holder.get().holds(attempt, builderId)) {
            return stale(what, attempt, jobId, holder.get().state(), holder.get().attempt());
        }
        // Checked again under the lock: the attempt may have ended in between.
        Job job = jobs.lock(jobId).orElseThrow();
        if (!job.isLive(attempt) || !builderId.equals(job.builderId)) {
            return stale(what, attempt, jobId, job.state, job.attempt);
        }
        return Optional.of(job);
    }

    private Optional<Job> stale(
            String what, int attempt, java.util.UUID jobId, JobState state, int current) {
        metrics.staleRecord();
        Log.infof(
                "Ignoring %s of stale attempt %d of job %s (job is %s on attempt %d)",
                what, attempt, jobId, state, current);
        return Optional.empty();
    }
}
