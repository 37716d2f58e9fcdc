package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.kafka.ArtifactStored;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.provenance.BuildFacts;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement;
import dev.crateforge.protocol.provenance.ProvenanceEnvelopes;
import dev.crateforge.protocol.provenance.ProvenanceException;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPublicKey;
import dev.crateforge.scheduler.assignment.JobRequestRepository;
import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.job.JobRepository;
import dev.crateforge.scheduler.job.SchedulerMetrics;
import dev.crateforge.scheduler.logs.LogSignal;
import dev.crateforge.scheduler.messaging.EventPublisher;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.FlushModeType;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Moves jobs through their life on what builders, gateways and the artifact service report, and on
 * time running out: every handler locks the job row, asks {@link JobLifecycle} what the record
 * means for it, and has {@link JobTransitions} carry that out. A record of an attempt that is over
 * changes nothing and is logged.
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
    private final JobLifecycle lifecycle;
    private final JobTransitions transitions;
    private final SchedulerMetrics metrics;
    private final SchedulerConfig config;
    private final LogSignal logSignal;

    public LifecycleService(
            JobRepository jobs,
            EventIngestion events,
            ArtifactRepository artifacts,
            BuilderConnectionRepository connections,
            JobRequestRepository requests,
            EventPublisher publisher,
            JobLifecycle lifecycle,
            JobTransitions transitions,
            SchedulerMetrics metrics,
            SchedulerConfig config,
            LogSignal logSignal) {
        this.logSignal = logSignal;
        this.jobs = jobs;
        this.events = events;
        this.artifacts = artifacts;
        this.connections = connections;
        this.requests = requests;
        this.publisher = publisher;
        this.lifecycle = lifecycle;
        this.transitions = transitions;
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
     * Handles one poll's worth of job-events records, each job's in their order. Builder events are
     * applied by {@link EventIngestion} with a fixed number of plain SQL statements; the other
     * records (completions, undeliverable notices) work on job entities. Only a job's own records
     * must keep their order, so the poll is cut in levels: a record's level is the number of its
     * job's other (non-event) records before it. Level by level, the level's events go in one
     * transaction, then its other records in one more, so a completion still lands after the log
     * lines sent before it and before those sent after it, and a poll of many jobs' lines and
     * completions costs a few transactions rather than two per job.
     *
     * <p>A transaction thus uses one persistence style: SQL never runs beside entities it could
     * make stale. A crash between two of these transactions redelivers the whole poll; every
     * handler is idempotent, so the records already applied change nothing the second time.
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public void activities(List<JobActivity> batch) {
        Map<UUID, Integer> othersSeen = new HashMap<>();
        List<List<JobActivity.EventReported>> events = new ArrayList<>();
        List<List<JobActivity>> others = new ArrayList<>();
        for (JobActivity activity : batch) {
            int level = othersSeen.getOrDefault(activity.jobId(), 0);
            if (activity instanceof JobActivity.EventReported event) {
                level(events, level).add(event);
            } else {
                level(others, level).add(activity);
                othersSeen.put(activity.jobId(), level + 1);
            }
        }
        for (int level = 0; level < Math.max(events.size(), others.size()); level++) {
            if (level < events.size()) {
                applyEvents(events.get(level));
            }
            if (level < others.size()) {
                applyOthers(others.get(level));
            }
        }
    }

    private static <T> List<T> level(List<List<T>> levels, int level) {
        while (levels.size() <= level) {
            levels.add(new ArrayList<>());
        }
        return levels.get(level);
    }

    /**
     * One level's completions and undeliverable notices (at most one per job) in one transaction,
     * taken in job-id order as {@link #artifactsStored} takes its jobs, and flushed before the
     * commit so that a record the database refuses is the record's fault.
     */
    private void applyOthers(List<JobActivity> level) {
        List<JobActivity> byJob = new ArrayList<>(level);
        byJob.sort(Comparator.comparing(activity -> activity.jobId().toString()));
        QuarkusTransaction.requiringNew()
                .run(
                        () -> {
                            flushAtCommit();
                            byJob.forEach(this::activity);
                            jobs.flush();
                        });
    }

    private void applyEvents(List<JobActivity.EventReported> run) {
        if (!run.isEmpty()) {
            QuarkusTransaction.requiringNew().run(() -> events.apply(run));
            // Committed: wake this replica's live-log readers of these jobs.
            Set<UUID> jobIds = new HashSet<>();
            run.forEach(event -> jobIds.add(event.jobId()));
            logSignal.stored(jobIds);
        }
    }

    /**
     * A log line, stage change or heartbeat: extends the lease, starts the job, stores the line.
     */
    public void eventReported(JobActivity.EventReported event) {
        events.apply(List.of(event));
    }

    /**
     * The builder's signed result, decided by {@link JobLifecycle}: a success waits for the
     * artifact records it names, a failure ends the job or (when it is not the crate's) requeues
     * it. A completion of an attempt the builder does not hold changes nothing, and the builder is
     * told so ({@code unknown_job}).
     */
    public void completed(JobActivity.Completed completed) {
        Optional<Job> held =
                lockIfHeld(
                        completed.jobId(),
                        completed.attempt(),
                        completed.builderId(),
                        "completion");
        Instant now = Instant.now();
        Decision decision = null;
        if (held.isPresent()) {
            Job job = held.get();
            Trigger trigger =
                    completed.result() == JobResult.FAILED
                            ? new Trigger.CompletedFailed(
                                    completed.attempt(),
                                    completed.builderId(),
                                    completed.failureCode(),
                                    completed.failureReason())
                            : succeeded(job, completed);
            decision = lifecycle.decide(job.lifecycleFacts(), trigger, now);
            if (!(decision instanceof Decision.Ignore)) {
                transitions.apply(job, decision, completed, now);
                return;
            }
            stale("completion", completed.attempt(), job.id, job.state, job.attempt);
        }
        publisher.unknownJob(
                completed.builderId(),
                completed.jobId(),
                completed.attempt(),
                "attempt "
                        + completed.attempt()
                        + " of job "
                        + completed.jobId()
                        + " is not held by this builder");
    }

    private Trigger succeeded(Job job, JobActivity.Completed completed) {
        Optional<String> problem = statementMismatch(job, completed);
        return new Trigger.CompletedSucceeded(
                completed.attempt(),
                completed.builderId(),
                problem,
                problem.isPresent()
                        ? new ArtifactCheck.AllStored()
                        : ArtifactCheck.compare(
                                completed.artifacts(),
                                artifacts.forAttempt(job.id, completed.attempt())));
    }

    /**
     * One poll's worth of artifact records, in one transaction. They are taken in job-id order (a
     * stable sort: each job's own records keep their order, which is all the topic promises) so
     * that this transaction locks job rows in the order the event batches lock them ({@link
     * LiveAttemptRepository#lockLive}) and cannot deadlock with them (by the text of the id, which
     * sorts as PostgreSQL sorts a uuid; {@code UUID.compareTo} does not). However many jobs it
     * finishes, the waiting requests are woken once ({@link
     * dev.crateforge.scheduler.assignment.WorkSignal#jobsQueued}).
     *
     * <p>The flush at the end makes a record the database refuses fail here, as the record's own
     * fault, rather than at commit, where it could not be told from the database being down.
     */
    public void artifactsStored(List<ArtifactStored> batch) {
        flushAtCommit();
        List<ArtifactStored> byJob = new ArrayList<>(batch);
        byJob.sort(Comparator.comparing(stored -> stored.jobId().toString()));
        byJob.forEach(this::artifactStored);
        jobs.flush();
    }

    /** An artifact was stored; it may be the one a waiting completion needs. */
    private void artifactStored(ArtifactStored stored) {
        if (!artifacts.record(stored)) {
            Log.infof("Ignoring artifact record of unknown job %s", stored.jobId());
            return;
        }
        // Read without a lock first: a record of an attempt that is over must not lock the row.
        boolean live =
                jobs.holder(stored.jobId())
                        .map(h -> h.state().isActive() && h.attempt() == stored.attempt())
                        .orElse(false);
        if (!live) {
            return;
        }
        jobs.lock(stored.jobId())
                .ifPresent(
                        job ->
                                decideAndApply(
                                        job,
                                        new Trigger.ArtifactStored(
                                                stored.attempt(), pendingCheck(job))));
    }

    /** The gateway could not hand the assignment to the builder: requeue now, no attempt lost. */
    public void undeliverable(JobActivity.Undeliverable undeliverable) {
        lockIfHeld(
                        undeliverable.jobId(),
                        undeliverable.attempt(),
                        undeliverable.builderId(),
                        "undeliverable notice")
                .ifPresent(
                        job ->
                                decideAndApply(
                                        job,
                                        new Trigger.Undeliverable(
                                                undeliverable.attempt(),
                                                undeliverable.builderId(),
                                                undeliverable.connectionId(),
                                                undeliverable.reason())));
    }

    /**
     * One poll's worth of connection records, in their order, in one transaction; as {@link
     * #artifactsStored}, flushed before the commit so that a refused record is the record's fault.
     */
    public void connectionsChanged(List<BuilderConnectionChange> batch) {
        flushAtCommit();
        for (BuilderConnectionChange change : batch) {
            if (change instanceof BuilderConnectionChange.Connected connected) {
                connected(connected);
            } else if (change instanceof BuilderConnectionChange.Disconnected disconnected) {
                disconnected(disconnected);
            }
        }
        jobs.flush();
    }

    /**
     * Lets the current transaction write its job entities once, at the end, instead of before each
     * SQL statement. By default Hibernate flushes the whole session before every native query, so a
     * transaction of n records flushed n times per record's statements: most of the cost of the
     * read-only pre-check ({@code JobRepository.holder}) in the profile. No statement of these
     * handlers needs the job rows they changed: a pre-check that reads a row this transaction
     * already changed only decides whether to lock it, and every decision is taken on the locked
     * entity itself, which holds the changes.
     */
    private void flushAtCommit() {
        jobs.getEntityManager().setFlushMode(FlushModeType.COMMIT);
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

    private void startGrace(List<UUID> held, Instant at) {
        for (UUID id : held) {
            jobs.lock(id).ifPresent(job -> decideAndApply(job, new Trigger.Disconnected(at)));
        }
    }

    /**
     * Requeues or fails overdue attempts: lease expired, builder gone past the grace period,
     * completion waiting too long for its artifacts. Safe on every replica at once.
     *
     * @return the number of jobs that changed (a full batch means: call again)
     */
    public int sweepOverdue(int batch) {
        List<Job> overdue =
                jobs.lockOverdue(config.disconnectGrace(), config.completionWait(), batch);
        int changed = 0;
        for (Job job : overdue) {
            // The database's clock picked the rows and this one decides: a row the two disagree
            // on is left for the next sweep.
            if (!(decideAndApply(job, new Trigger.Tick(pendingCheck(job)))
                    instanceof Decision.Ignore)) {
                changed++;
            }
        }
        return changed;
    }

    /** Forgets connections closed long ago. */
    public int purgeClosedConnections() {
        return connections.purgeClosedBefore(Instant.now().minus(config.closedConnectionMemory()));
    }

    /** Decides the trigger on the locked job and carries out the decision. */
    private Decision decideAndApply(Job job, Trigger trigger) {
        Instant now = Instant.now();
        Decision decision = lifecycle.decide(job.lifecycleFacts(), trigger, now);
        transitions.apply(job, decision, pendingCompletion(job), now);
        return decision;
    }

    /** The waiting completion's artifacts against the stored ones. */
    private ArtifactCheck pendingCheck(Job job) {
        if (job.pendingCompletion == null) {
            return new ArtifactCheck.NothingPending();
        }
        JobActivity.Completed completed = pendingCompletion(job);
        return completed == null
                ? new ArtifactCheck.Unreadable()
                : ArtifactCheck.compare(
                        completed.artifacts(), artifacts.forAttempt(job.id, job.attempt));
    }

    /** The completion that waits for its artifacts; null when none does or it is unreadable. */
    private static JobActivity.Completed pendingCompletion(Job job) {
        if (job.pendingCompletion == null) {
            return null;
        }
        try {
            return (JobActivity.Completed)
                    RecordCodec.decode(
                            job.pendingCompletion.getBytes(StandardCharsets.UTF_8),
                            JobActivity.class);
        } catch (ProtocolDecodeException | ClassCastException e) {
            return null;
        }
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
        return provenanceMismatch(job, completed);
    }

    /**
     * What is wrong with the completion's SLSA provenance, if it has one: it must be signed by the
     * key that signed the statement (the builder's registered key, as the gateway verified) and
     * describe exactly this job and these artifacts. A builder that sends none is not refused.
     */
    static Optional<String> provenanceMismatch(Job job, JobActivity.Completed completed) {
        if (completed.provenance() == null) {
            return Optional.empty();
        }
        SshPublicKey key;
        try {
            key = SshPublicKey.parse(completed.builderPublicKey());
        } catch (SshFormatException e) {
            return Optional.of("provenance envelope rejected: builder key: " + e.getMessage());
        }
        BuildFacts facts =
                new BuildFacts(
                        job.id,
                        completed.attempt(),
                        job.crate,
                        job.version,
                        job.target,
                        job.kind,
                        job.sourceUrl,
                        job.sourceSha256,
                        completed.artifacts());
        try {
            BuildProvenanceStatement statement =
                    ProvenanceEnvelopes.open(completed.provenance(), key);
            return ProvenanceEnvelopes.mismatch(statement, facts, key)
                    .map(problem -> "provenance envelope does not match the job: " + problem);
        } catch (ProvenanceException e) {
            return Optional.of("provenance envelope rejected: " + e.getMessage());
        }
    }

    /**
     * The job, locked, if the builder holds the attempt; read without a lock first, so that a
     * record of an attempt that is over never locks a queued job in the way of a claim. The lock
     * taken, {@link JobLifecycle} decides again on the locked row.
     */
    private Optional<Job> lockIfHeld(UUID jobId, int attempt, UUID builderId, String what) {
        Optional<JobRepository.Holder> holder = jobs.holder(jobId);
        if (holder.isEmpty()) {
            Log.warnf("Ignoring %s of unknown job %s", what, jobId);
            return Optional.empty();
        }
        if (!holder.get().facts(jobId).heldBy(attempt, builderId)) {
            return stale(what, attempt, jobId, holder.get().state(), holder.get().attempt());
        }
        return jobs.lock(jobId);
    }

    private Optional<Job> stale(String what, int attempt, UUID jobId, JobState state, int current) {
        metrics.staleRecord();
        Log.infof(
                "Ignoring %s of stale attempt %d of job %s (job is %s on attempt %d)",
                what, attempt, jobId, state, current);
        return Optional.empty();
    }
}
