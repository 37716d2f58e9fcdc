package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.scheduler.lifecycle.Decision.RequeueCause;
import dev.crateforge.scheduler.lifecycle.Decision.Why;
import java.time.Instant;
import java.util.Objects;

/**
 * Decides every move of a job: given its {@link JobFacts}, a {@link Trigger} and the time, what
 * happens next ({@link Decision}). Pure: no database, no clock, no CDI; the policy is passed in.
 * The services read the row, ask, and carry out the answer (write the row, publish what follows),
 * so that the rules live in one place and are tested in milliseconds, and the SQL and Kafka code
 * only does what was decided. Every decided move is one {@link JobState#canMoveTo} allows; {@link
 * #decide} refuses to return any other.
 *
 * <p>The rules, in short (docs/architecture.md has the full table):
 *
 * <ul>
 *   <li>A record from a builder counts only if the builder holds that attempt now; any other is
 *       {@link Why#STALE} (a completion's sender is then told {@code unknown_job}).
 *   <li>The first event starts the job; every event extends the lease and ends a pending
 *       disconnect.
 *   <li>A lost attempt (lease expired, builder gone past the grace) requeues with backoff and
 *       counts; an undeliverable assignment requeues at once and does not count; with no attempts
 *       left the job fails as {@code infrastructure}.
 *   <li>A failure that is not the crate's ({@link FailureCode#retried()}) requeues with backoff
 *       without counting, until the infrastructure retries are used up; then it fails as {@code
 *       infrastructure}, never with the crate's code. The crate's own failure is final.
 *   <li>A success waits for its artifact records; a mismatch, an unreadable stored completion or a
 *       wait past its limit fail the job as {@code infrastructure}. While a success waits, the
 *       builder's part is done: an expired lease or a disconnect does not requeue it.
 *   <li>Cancel works on any job that has not ended; retry only on a failed or cancelled job, as the
 *       next attempt with a fresh budget.
 * </ul>
 */
public final class JobLifecycle {

    /**
     * How much lower a job queues after an attempt lost to the infrastructure (a failure that is
     * not the crate's, an expired lease, a builder gone): behind the fresh jobs of its priority. An
     * undeliverable assignment is nobody's failure and keeps its place.
     */
    public static final int RETRY_PRIORITY_DROP = 1;

    /** Attempt numbers end here; the database and the API refuse more. */
    public static final int ATTEMPT_CEILING = 1000;

    private final LifecyclePolicy policy;

    public JobLifecycle(LifecyclePolicy policy) {
        this.policy = Objects.requireNonNull(policy);
    }

    public LifecyclePolicy policy() {
        return policy;
    }

    /**
     * Decides what {@code trigger} does to the job at {@code now}.
     *
     * @throws IllegalStateException if the rules produced a move that {@link JobState} forbids (a
     *     bug, never an input error)
     */
    public Decision decide(JobFacts job, Trigger trigger, Instant now) {
        Objects.requireNonNull(job);
        Objects.requireNonNull(trigger);
        Objects.requireNonNull(now);
        Decision decision = rule(job, trigger, now);
        decision.next().ifPresent(next -> requireMove(job.state(), next));
        return decision;
    }

    /**
     * Fails unless {@code from → to} is an allowed move. The services call it for every move they
     * write; the claim, carried out by one SQL statement for many jobs, checks the {@link
     * Trigger.Claimed} rule in its {@code where} clause instead.
     */
    public static void requireMove(JobState from, JobState to) {
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException("a job cannot move from " + from + " to " + to);
        }
    }

    private Decision rule(JobFacts job, Trigger trigger, Instant now) {
        if (trigger instanceof Trigger.Claimed) {
            return claimed(job, now);
        }
        if (trigger instanceof Trigger.CancelRequested cancel) {
            return cancel(job, cancel);
        }
        if (trigger instanceof Trigger.RetryRequested retry) {
            return retry(job);
        }
        if (trigger instanceof Trigger.Yanked) {
            return yanked(job);
        }
        if (trigger instanceof Trigger.Disconnected disconnected) {
            return disconnected(job, disconnected);
        }
        if (trigger instanceof Trigger.Tick tick) {
            return tick(job, tick, now);
        }
        if (trigger instanceof Trigger.ArtifactStored stored) {
            return artifactStored(job, stored);
        }
        Trigger.FromBuilder record = (Trigger.FromBuilder) trigger;
        if (!job.heldBy(record.attempt(), record.builderId())) {
            return new Decision.Ignore(
                    Why.STALE,
                    "attempt "
                            + record.attempt()
                            + " is not live (job is "
                            + job.state()
                            + " on attempt "
                            + job.attempt()
                            + ")");
        }
        if (record instanceof Trigger.EventReceived) {
            Instant lease = now.plus(policy.lease());
            return job.state() == JobState.ASSIGNED
                    ? new Decision.Start(lease)
                    : new Decision.ExtendLease(lease);
        }
        if (record instanceof Trigger.CompletedFailed failed) {
            return completedFailed(job, failed, now);
        }
        if (record instanceof Trigger.CompletedSucceeded succeeded) {
            return succeeded.statementProblem().isPresent()
                    ? new Decision.Fail(
                            FailureCode.INFRASTRUCTURE,
                            succeeded.statementProblem().get(),
                            false,
                            null)
                    : settle(
                            succeeded.artifacts(),
                            false,
                            job.completionPending() ? job.completionSeenAt() : now);
        }
        Trigger.Undeliverable undeliverable = (Trigger.Undeliverable) record;
        if (!Objects.equals(undeliverable.connectionId(), job.connectionId())) {
            return new Decision.Ignore(
                    Why.STALE, "the job was assigned through another connection");
        }
        return requeue(
                job,
                "assignment undeliverable: " + undeliverable.reason(),
                RequeueCause.UNDELIVERABLE,
                now,
                true,
                false,
                null,
                job.infrastructureRetries());
    }

    private Decision claimed(JobFacts job, Instant now) {
        if (job.state() != JobState.QUEUED) {
            return new Decision.Ignore(Why.WRONG_STATE, "only a queued job is claimed");
        }
        if (job.notBefore() != null && job.notBefore().isAfter(now)) {
            return new Decision.Ignore(Why.NOT_DUE, "backoff until " + job.notBefore());
        }
        return new Decision.Assign();
    }

    private Decision cancel(JobFacts job, Trigger.CancelRequested cancel) {
        if (job.state().isFinal()) {
            return new Decision.Refuse(
                    "job " + job.id() + " is already " + job.state() + " and cannot be cancelled");
        }
        return new Decision.Cancel(
                "cancelled by " + cancel.by(), job.state().isActive() && job.builderId() != null);
    }

    /** The reason a yank's cancellation carries; the intake finds the jobs to restore by it. */
    public static final String YANKED = "yanked";

    private Decision yanked(JobFacts job) {
        if (job.state() != JobState.QUEUED) {
            return new Decision.Ignore(Why.WRONG_STATE, "only a queued job is cancelled by a yank");
        }
        return new Decision.Cancel(YANKED, false);
    }

    private Decision retry(JobFacts job) {
        if (job.state() != JobState.FAILED && job.state() != JobState.CANCELLED) {
            return new Decision.Refuse(
                    "job "
                            + job.id()
                            + " is "
                            + job.state()
                            + "; only failed or cancelled jobs can be retried");
        }
        if (job.attempt() >= ATTEMPT_CEILING) {
            return new Decision.Refuse(
                    "job " + job.id() + " has used all " + ATTEMPT_CEILING + " attempt numbers");
        }
        int next = job.attempt() + 1;
        return new Decision.Retry(next, Math.min(ATTEMPT_CEILING, next + policy.maxAttempts() - 1));
    }

    private Decision disconnected(JobFacts job, Trigger.Disconnected disconnected) {
        if (!job.state().isActive()) {
            return new Decision.Ignore(Why.WRONG_STATE, "no builder holds the job");
        }
        if (job.disconnectedAt() != null) {
            return new Decision.Ignore(
                    Why.ALREADY_DISCONNECTED, "disconnected since " + job.disconnectedAt());
        }
        return new Decision.StartGrace(disconnected.at());
    }

    private Decision tick(JobFacts job, Trigger.Tick tick, Instant now) {
        if (!job.state().isActive()) {
            return new Decision.Ignore(Why.WRONG_STATE, "no builder holds the job");
        }
        if (job.completionPending()) {
            // The builder's part is done: only the wait for the artifact records can run out.
            if (job.completionSeenAt().plus(policy.completionWait()).isBefore(now)) {
                return settle(tick.artifacts(), true, job.completionSeenAt());
            }
            return new Decision.Ignore(Why.NOT_DUE, "the completion waits for its artifacts");
        }
        if (job.leaseExpiresAt() != null && job.leaseExpiresAt().isBefore(now)) {
            return requeue(
                    job,
                    "lease expired",
                    RequeueCause.LEASE_EXPIRED,
                    now,
                    false,
                    true,
                    null,
                    job.infrastructureRetries());
        }
        if (job.disconnectedAt() != null
                && job.disconnectedAt().plus(policy.disconnectGrace()).isBefore(now)) {
            return requeue(
                    job,
                    "builder disconnected for longer than " + policy.disconnectGrace(),
                    RequeueCause.DISCONNECTED,
                    now,
                    false,
                    true,
                    null,
                    job.infrastructureRetries());
        }
        return new Decision.Ignore(Why.NOT_DUE, "lease and grace still running");
    }

    private Decision artifactStored(JobFacts job, Trigger.ArtifactStored stored) {
        if (!job.state().isActive() || job.attempt() != stored.attempt()) {
            return new Decision.Ignore(
                    Why.STALE, "attempt " + stored.attempt() + " is not the live attempt");
        }
        if (!job.completionPending()) {
            return new Decision.Ignore(Why.NOTHING_PENDING, "no completion waits for artifacts");
        }
        return settle(stored.artifacts(), false, job.completionSeenAt());
    }

    private Decision completedFailed(JobFacts job, Trigger.CompletedFailed failed, Instant now) {
        FailureCode code = Objects.requireNonNullElse(failed.code(), FailureCode.BUILD_FAILED);
        String reason =
                "build failed on builder: "
                        + Objects.requireNonNullElse(failed.reason(), "no reason given");
        if (!code.retried()) {
            return new Decision.Fail(code, reason, false, null);
        }
        if (job.infrastructureRetries() >= policy.infrastructureRetries()) {
            return new Decision.Fail(
                    FailureCode.INFRASTRUCTURE,
                    reason
                            + " ("
                            + code
                            + "); infrastructure retries used up ("
                            + job.infrastructureRetries()
                            + " of "
                            + policy.infrastructureRetries()
                            + ")",
                    false,
                    null);
        }
        return requeue(
                job,
                reason + " (" + code + ")",
                RequeueCause.INFRASTRUCTURE,
                now,
                false,
                false,
                code,
                job.infrastructureRetries() + 1);
    }

    /**
     * What a success whose artifacts compare as {@code check} comes to; {@code deadline} when its
     * wait is over.
     */
    private Decision settle(ArtifactCheck check, boolean deadline, Instant waitingSince) {
        if (check instanceof ArtifactCheck.AllStored) {
            return new Decision.Succeed();
        }
        if (check instanceof ArtifactCheck.Mismatch mismatch) {
            return new Decision.Fail(
                    FailureCode.INFRASTRUCTURE,
                    "artifact '"
                            + mismatch.reported().kind()
                            + "' mismatch: builder reported sha256 "
                            + mismatch.reported().sha256()
                            + " size "
                            + mismatch.reported().size()
                            + ", artifact service stored sha256 "
                            + mismatch.stored().sha256()
                            + " size "
                            + mismatch.stored().size(),
                    false,
                    null);
        }
        if (check instanceof ArtifactCheck.Unreadable) {
            return new Decision.Fail(
                    FailureCode.INFRASTRUCTURE, "stored completion is unreadable", false, null);
        }
        if (check instanceof ArtifactCheck.Missing missing) {
            return deadline
                    ? new Decision.Fail(
                            FailureCode.INFRASTRUCTURE,
                            "artifact(s) "
                                    + String.join(", ", missing.kinds())
                                    + " reported but not stored within "
                                    + policy.completionWait(),
                            false,
                            null)
                    : new Decision.AwaitArtifacts(waitingSince, missing.kinds());
        }
        return new Decision.Ignore(Why.NOTHING_PENDING, "no completion waits for artifacts");
    }

    /**
     * Back to the queue as the next attempt, or a failure when no attempt is left.
     *
     * @param immediate claimable at once (no backoff)
     * @param counts whether the lost attempt uses up one of the job's attempts
     * @param failureCode the code to record, null to keep the recorded one
     */
    private Decision requeue(
            JobFacts job,
            String reason,
            RequeueCause cause,
            Instant now,
            boolean immediate,
            boolean counts,
            FailureCode failureCode,
            int infrastructureRetries) {
        // Only an attempt a builder may still be running needs stopping: an infrastructure failure
        // is reported by the builder that ended it.
        boolean cancelOld = cause != RequeueCause.INFRASTRUCTURE && job.builderId() != null;
        if ((counts && job.attempt() >= job.maxAttempts()) || job.attempt() >= ATTEMPT_CEILING) {
            return new Decision.Fail(
                    FailureCode.INFRASTRUCTURE,
                    reason
                            + "; no attempts left ("
                            + job.attempt()
                            + " of "
                            + job.maxAttempts()
                            + ")",
                    cancelOld,
                    cause);
        }
        Instant notBefore = immediate ? now : now.plus(policy.backoff(job.attempt()));
        // An undeliverable assignment is nobody's fault: it keeps its place and its builders.
        boolean buildersFault = cause != RequeueCause.UNDELIVERABLE;
        return new Decision.Requeue(
                job.attempt() + 1,
                counts ? job.maxAttempts() : Math.min(ATTEMPT_CEILING, job.maxAttempts() + 1),
                infrastructureRetries,
                notBefore,
                failureCode,
                reason,
                cause,
                cancelOld,
                buildersFault ? RETRY_PRIORITY_DROP : 0,
                buildersFault && job.builderId() != null && !policy.retryElsewhere().isZero()
                        ? new Decision.Avoid(
                                job.builderId(), notBefore.plus(policy.retryElsewhere()))
                        : null);
    }
}
