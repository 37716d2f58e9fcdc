package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.json.ProtocolJson;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.scheduler.assignment.WorkSignal;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.job.SchedulerMetrics;
import dev.crateforge.scheduler.messaging.EventPublisher;
import dev.crateforge.scheduler.submission.JobValidator;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Carries out {@link JobLifecycle}'s decisions on a locked job entity: writes the row's fields,
 * publishes the state change (and the order to stop an attempt) through the outbox, and wakes the
 * waiting requests when a job is queued or a builder's slot comes free. It decides nothing: every
 * move it writes is checked against {@link JobState#canMoveTo} first.
 */
@ApplicationScoped
public class JobTransitions {

    /** Most builders one job avoids at once; the claim compares them per queued row. */
    static final int MOST_AVOIDED = 8;

    private final EventPublisher publisher;
    private final WorkSignal workSignal;
    private final SchedulerMetrics metrics;

    public JobTransitions(
            EventPublisher publisher, WorkSignal workSignal, SchedulerMetrics metrics) {
        this.publisher = publisher;
        this.workSignal = workSignal;
        this.metrics = metrics;
    }

    /**
     * Applies {@code decision} to {@code job}.
     *
     * @param completion the builder's completion a {@link Decision.Succeed} or {@link
     *     Decision.AwaitArtifacts} is about; null for every other decision
     */
    public void apply(Job job, Decision decision, JobActivity.Completed completion, Instant now) {
        decision.next().ifPresent(next -> JobLifecycle.requireMove(job.state, next));
        if (decision instanceof Decision.Requeue requeue) {
            requeue(job, requeue, now);
        } else if (decision instanceof Decision.Fail fail) {
            fail(job, fail, now);
        } else if (decision instanceof Decision.Succeed) {
            succeed(job, completion, now);
        } else if (decision instanceof Decision.AwaitArtifacts await) {
            job.pendingCompletion =
                    new String(RecordCodec.encode(completion), StandardCharsets.UTF_8);
            job.completionSeenAt = await.since();
            job.updatedAt = now;
            Log.debugf("Job %s completion waits for artifact(s) %s", job.id, await.missing());
        } else if (decision instanceof Decision.StartGrace grace) {
            job.disconnectedAt = grace.disconnectedAt();
            job.updatedAt = now;
        } else if (decision instanceof Decision.Cancel cancel) {
            cancel(job, cancel, now);
        } else if (decision instanceof Decision.Retry retry) {
            retry(job, retry, now);
        } else if (decision instanceof Decision.Ignore ignore) {
            Log.debugf("Job %s: nothing to do (%s: %s)", job.id, ignore.why(), ignore.detail());
        } else {
            // Assign, Start and ExtendLease are carried out by set-based SQL on their own paths;
            // Refuse is the caller's to answer.
            throw new IllegalArgumentException("not applied to a job entity: " + decision);
        }
    }

    private void requeue(Job job, Decision.Requeue requeue, Instant now) {
        stopOldAttempt(job, requeue.cancelOldAttempt(), requeue.reason());
        job.attempt = requeue.attempt();
        job.maxAttempts = requeue.maxAttempts();
        job.infrastructureRetries = requeue.infrastructureRetries();
        if (requeue.failureCode() != null) {
            job.failureCode = requeue.failureCode().wireName();
        }
        job.state = JobState.QUEUED;
        lowerPriority(job, requeue.priorityDrop());
        if (requeue.avoid() != null) {
            avoid(job, requeue.avoid(), now);
        }
        job.notBefore = requeue.notBefore();
        job.failureReason = requeue.reason();
        release(job);
        job.updatedAt = now;
        metrics.requeued(requeue.cause().metricName());
        countLoss(requeue.cause());
        Log.infof(
                "Requeued job %s as attempt %d (%s), eligible at %s",
                job.id, job.attempt, requeue.reason(), job.notBefore);
        publisher.stateChanged(job);
        workSignal.jobsQueued();
    }

    private void fail(Job job, Decision.Fail fail, Instant now) {
        stopOldAttempt(job, fail.cancelOldAttempt(), fail.reason());
        countLoss(fail.lostAttempt());
        boolean wasHeld = job.state.isActive();
        job.state = JobState.FAILED;
        job.failureCode = fail.code().wireName();
        job.failureReason = fail.reason();
        job.finishedAt = now;
        job.updatedAt = now;
        release(job);
        Log.infof(
                "Job %s failed on attempt %d (%s): %s",
                job.id, job.attempt, fail.code(), fail.reason());
        publisher.stateChanged(job);
        if (wasHeld) {
            // The builder has a slot free again: a request held back by its limit may go now.
            workSignal.jobsQueued();
        }
    }

    private void succeed(Job job, JobActivity.Completed completed, Instant now) {
        job.state = JobState.SUCCEEDED;
        job.statement = completed.statement();
        job.signature = completed.signature();
        job.builderPublicKey = completed.builderPublicKey();
        job.provenanceEnvelope =
                completed.provenance() == null ? null : ProtocolJson.encode(completed.provenance());
        job.failureReason = null;
        job.failureCode = null;
        job.finishedAt = now;
        job.updatedAt = now;
        release(job);
        Log.infof("Job %s succeeded on attempt %d", job.id, job.attempt);
        publisher.stateChanged(job);
        workSignal.jobsQueued();
    }

    private void cancel(Job job, Decision.Cancel cancel, Instant now) {
        stopOldAttempt(job, cancel.cancelOldAttempt(), cancel.reason());
        boolean wasHeld = job.state.isActive();
        job.state = JobState.CANCELLED;
        job.failureReason = cancel.reason();
        job.finishedAt = now;
        job.updatedAt = now;
        release(job);
        Log.infof("Job %s %s", job.id, cancel.reason());
        publisher.stateChanged(job);
        if (wasHeld) {
            // The builder has a slot free again: a request held back by its limit may go now.
            workSignal.jobsQueued();
        }
    }

    private void retry(Job job, Decision.Retry retry, Instant now) {
        job.attempt = retry.attempt();
        job.maxAttempts = retry.maxAttempts();
        job.state = JobState.QUEUED;
        job.notBefore = now;
        job.failureReason = null;
        job.failureCode = null;
        job.infrastructureRetries = 0;
        // An operator's retry starts afresh: the priority asked for, any builder.
        if (job.requestedPriority != null) {
            job.priority = job.requestedPriority;
            job.requestedPriority = null;
        }
        job.avoidBuilderIds = new UUID[0];
        job.avoidUntil = null;
        job.finishedAt = null;
        job.statement = null;
        job.signature = null;
        job.builderPublicKey = null;
        job.provenanceEnvelope = null;
        release(job);
        job.updatedAt = now;
        publisher.stateChanged(job);
        workSignal.jobsQueued();
    }

    /**
     * Queues the job {@code drop} below the priority asked for (not below its current one, so that
     * retries do not add up), within the allowed range.
     */
    private static void lowerPriority(Job job, int drop) {
        if (drop == 0) {
            return;
        }
        int requested = job.requestedPriority != null ? job.requestedPriority : job.priority;
        job.priority = Math.max(JobValidator.MIN_PRIORITY, requested - drop);
        job.requestedPriority = job.priority == requested ? null : requested;
    }

    /**
     * Adds the builder to those the job avoids. An avoidance still running grows (the job avoids
     * every builder that failed it lately, at most {@link #MOST_AVOIDED}, the latest kept); one
     * that ran out starts afresh.
     */
    private static void avoid(Job job, Decision.Avoid avoid, Instant now) {
        boolean running = job.avoidUntil != null && job.avoidUntil.isAfter(now);
        Set<UUID> builders = new LinkedHashSet<>();
        if (running) {
            builders.addAll(Arrays.asList(job.avoidBuilderIds));
        }
        builders.remove(avoid.builderId());
        builders.add(avoid.builderId());
        List<UUID> kept = new ArrayList<>(builders);
        job.avoidBuilderIds =
                kept.subList(Math.max(0, kept.size() - MOST_AVOIDED), kept.size())
                        .toArray(UUID[]::new);
        job.avoidUntil =
                running && job.avoidUntil.isAfter(avoid.until()) ? job.avoidUntil : avoid.until();
    }

    private void countLoss(Decision.RequeueCause cause) {
        if (cause == Decision.RequeueCause.LEASE_EXPIRED) {
            metrics.leaseExpired();
        }
    }

    private void stopOldAttempt(Job job, boolean cancelOldAttempt, String reason) {
        if (cancelOldAttempt && job.builderId != null) {
            publisher.cancelAttempt(job.builderId, job.id, job.attempt, reason);
        }
    }

    /** Clears what belongs to the attempt that just ended (the builder id stays for history). */
    private static void release(Job job) {
        if (job.state == JobState.QUEUED) {
            job.builderId = null;
            job.builderOwner = null;
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
}
