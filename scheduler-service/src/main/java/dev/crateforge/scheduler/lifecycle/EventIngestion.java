package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.messaging.outbox.OutboxRecord;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobStateChanged;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.job.JobRepository;
import dev.crateforge.scheduler.job.SchedulerMetrics;
import dev.crateforge.scheduler.logs.JobLogRepository;
import dev.crateforge.scheduler.logs.LogRow;
import dev.crateforge.scheduler.logs.StageChange;
import dev.crateforge.scheduler.messaging.EventPublisher;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Applies builder events (log lines, stage changes, heartbeats) of live attempts, a run of them at
 * a time, in the caller's transaction: the run's jobs are locked with one statement, its new lines
 * stored with one statement and the jobs written back with one, whatever the number of jobs. What
 * an event does is {@link JobLifecycle}'s decision: one of the live attempt extends the lease and
 * clears a pending disconnect, and the first one moves the job from assigned to running; events of
 * any other attempt or builder change nothing.
 */
@ApplicationScoped
public class EventIngestion {

    private final LiveAttemptRepository attempts;
    private final JobLogRepository logs;
    private final JobRepository jobs;
    private final EventPublisher publisher;
    private final JobLifecycle lifecycle;
    private final SchedulerMetrics metrics;
    private final SchedulerConfig config;

    public EventIngestion(
            LiveAttemptRepository attempts,
            JobLogRepository logs,
            JobRepository jobs,
            EventPublisher publisher,
            JobLifecycle lifecycle,
            SchedulerMetrics metrics,
            SchedulerConfig config) {
        this.attempts = attempts;
        this.logs = logs;
        this.jobs = jobs;
        this.publisher = publisher;
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.config = config;
    }

    /** Applies the events in their order. */
    public void apply(List<JobActivity.EventReported> events) {
        if (events.isEmpty()) {
            return;
        }
        Set<UUID> ids = new LinkedHashSet<>();
        events.forEach(e -> ids.add(e.jobId()));
        Map<UUID, LiveAttempt> live = attempts.lockLive(ids);
        Map<UUID, LiveAttempt> touched = new LinkedHashMap<>();
        Map<UUID, PendingLines> pending = new LinkedHashMap<>();
        Map<UUID, Optional<JobRepository.Holder>> holders = new HashMap<>();
        Instant now = Instant.now();
        List<OutboxRecord> started = new ArrayList<>();
        List<StageChange> stages = new ArrayList<>();
        for (JobActivity.EventReported event : events) {
            LiveAttempt job = live.get(event.jobId());
            Decision decision =
                    job == null
                            ? null
                            : lifecycle.decide(
                                    job.lifecycleFacts(),
                                    new Trigger.EventReceived(event.attempt(), event.builderId()),
                                    now);
            if (decision == null || decision instanceof Decision.Ignore) {
                stale(event, job, holders);
                continue;
            }
            touched.put(job.id, job);
            if (decision instanceof Decision.Start) {
                JobLifecycle.requireMove(job.state, JobState.RUNNING);
                job.state = JobState.RUNNING;
                job.started = true;
                started.add(
                        publisher.state(
                                new JobStateChanged(
                                        job.id,
                                        job.attempt,
                                        JobState.RUNNING,
                                        job.builderId,
                                        job.crate,
                                        job.version,
                                        job.target,
                                        job.kind,
                                        null,
                                        now,
                                        job.reproduction)));
            }
            if (event.event() instanceof JobEventBody.Log log) {
                pending.computeIfAbsent(job.id, id -> new PendingLines(job))
                        .add(event.seq(), log.stream().wireName(), log.line());
            } else if (event.event() instanceof JobEventBody.StageChanged stage) {
                job.stage = stage.stage().wireName();
                stages.add(
                        new StageChange(
                                job.id, job.attempt, event.seq(), job.stage, event.receivedAt()));
            }
        }
        store(pending);
        logs.insertStages(stages);
        attempts.save(touched.values(), now, now.plus(lifecycle.policy().lease()));
        publisher.publish(started);
    }

    /**
     * Writes the collected lines of every job with one insert, in order, under the log cap: a line
     * already stored (resent or redelivered) is skipped and not counted; the first line that does
     * not fit is replaced by one truncation marker and everything after it is dropped. A job whose
     * lines fit under the cap even if all were new needs no look-up: the insert reports which lines
     * were new. Only a job near its cap reads its stored seqs first (one query), to place the
     * marker exactly where line-by-line processing would.
     */
    private void store(Map<UUID, PendingLines> all) {
        List<LogRow> rows = new ArrayList<>();
        Set<UUID> uncapped = new HashSet<>();
        int stored = 0;
        for (PendingLines pending : all.values()) {
            LiveAttempt job = pending.job;
            if (job.logTruncated) {
                continue;
            }
            if (job.logBytes + pending.totalBytes <= config.logCapBytes()) {
                Set<Long> seen = new HashSet<>();
                for (int i = 0; i < pending.seqs.size(); i++) {
                    if (seen.add(pending.seqs.get(i))) {
                        rows.add(pending.row(i));
                    }
                }
                uncapped.add(job.id);
            } else {
                stored += capped(pending, rows);
            }
        }
        for (Map.Entry<UUID, JobLogRepository.Stored> job : logs.insertAll(rows).entrySet()) {
            // A capped job's lines were counted line by line above.
            if (uncapped.contains(job.getKey())) {
                all.get(job.getKey()).job.logBytes += job.getValue().bytes();
                stored += (int) job.getValue().lines();
            }
        }
        metrics.logLinesStored(stored);
    }

    /** The lines of a job near its cap, exactly as line by line; returns the lines counted. */
    private int capped(PendingLines pending, List<LogRow> rows) {
        LiveAttempt job = pending.job;
        Set<Long> taken = new HashSet<>(logs.existingSeqs(job.id, job.attempt, pending.seqs));
        int stored = 0;
        for (int i = 0; i < pending.seqs.size() && !job.logTruncated; i++) {
            long seq = pending.seqs.get(i);
            long size = pending.sizes.get(i);
            if (job.logBytes + size > config.logCapBytes()) {
                // One marker in the place of the first line that did not fit; the rest is dropped.
                if (!taken.contains(seq)) {
                    rows.add(
                            new LogRow(
                                    job.id,
                                    job.attempt,
                                    seq,
                                    LifecycleService.SCHEDULER_STREAM,
                                    "[log truncated: this attempt reached the limit of "
                                            + config.logCapBytes()
                                            + " bytes; further lines are dropped]"));
                }
                job.logTruncated = true;
            } else if (taken.add(seq)) {
                rows.add(pending.row(i));
                job.logBytes += size;
                stored++;
            }
        }
        return stored;
    }

    private void stale(
            JobActivity.EventReported event,
            LiveAttempt job,
            Map<UUID, Optional<JobRepository.Holder>> holders) {
        JobState state;
        int current;
        if (job != null) {
            state = job.state;
            current = job.attempt;
        } else {
            // Not live: read who holds it (without a lock) only to say why the event is ignored.
            Optional<JobRepository.Holder> holder =
                    holders.computeIfAbsent(event.jobId(), jobs::holder);
            if (holder.isEmpty()) {
                Log.warnf("Ignoring event of unknown job %s", event.jobId());
                return;
            }
            state = holder.get().state();
            current = holder.get().attempt();
        }
        metrics.staleRecord();
        Log.infof(
                "Ignoring event of stale attempt %d of job %s (job is %s on attempt %d)",
                event.attempt(), event.jobId(), state, current);
    }

    /** Log lines of one live attempt waiting to be written. */
    private static final class PendingLines {
        final LiveAttempt job;
        final List<Long> seqs = new ArrayList<>();
        final List<String> streams = new ArrayList<>();
        final List<String> lines = new ArrayList<>();
        final List<Long> sizes = new ArrayList<>();
        long totalBytes;

        PendingLines(LiveAttempt job) {
            this.job = job;
        }

        void add(long seq, String stream, String line) {
            // The cap counts UTF-8 bytes plus the newline.
            long size = line.getBytes(StandardCharsets.UTF_8).length + 1L;
            seqs.add(seq);
            streams.add(stream);
            lines.add(line);
            sizes.add(size);
            totalBytes += size;
        }

        /** The {@code i}-th line as a row of this attempt's log. */
        LogRow row(int i) {
            return new LogRow(job.id, job.attempt, seqs.get(i), streams.get(i), lines.get(i));
        }
    }
}
