package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.JobState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What {@link JobLifecycle} decided. The services carry it out: they write the row, publish the
 * records that follow and log. A decision with a {@link #next} state is a move that {@link
 * JobState#canMoveTo} allows from the state it was decided in.
 */
public sealed interface Decision {

    /** The state the job moves to; empty when it stays where it is. */
    default Optional<JobState> next() {
        return Optional.empty();
    }

    /** Nothing changes. */
    record Ignore(Why why, String detail) implements Decision {}

    /** Why a trigger changes nothing. */
    enum Why {
        /** The record is of an attempt, builder or connection that does not hold the job now. */
        STALE,
        /** The trigger needs a job in another state (a claim of a running job, say). */
        WRONG_STATE,
        /** Nothing is due yet (backoff, lease, grace and wait all still running). */
        NOT_DUE,
        /** No completion waits for artifacts. */
        NOTHING_PENDING,
        /** The disconnect is already known; its grace runs from the first one. */
        ALREADY_DISCONNECTED
    }

    /** The claim may take the job: {@code queued → assigned}. */
    record Assign() implements Decision {
        @Override
        public Optional<JobState> next() {
            return Optional.of(JobState.ASSIGNED);
        }
    }

    /**
     * The first event of the attempt: {@code assigned → running}, lease until {@code
     * leaseExpiresAt}, no pending disconnect (the builder is evidently there).
     */
    record Start(Instant leaseExpiresAt) implements Decision {
        @Override
        public Optional<JobState> next() {
            return Optional.of(JobState.RUNNING);
        }
    }

    /** A further event: lease until {@code leaseExpiresAt}, no pending disconnect. */
    record ExtendLease(Instant leaseExpiresAt) implements Decision {}

    /** The holder's connection went away: the grace period runs from {@code disconnectedAt}. */
    record StartGrace(Instant disconnectedAt) implements Decision {}

    /**
     * A success waits for the artifact records it reports; it has been waiting since {@code since}
     * (a resent completion does not restart the wait).
     */
    record AwaitArtifacts(Instant since, List<String> missing) implements Decision {
        public AwaitArtifacts {
            Objects.requireNonNull(since);
            missing = List.copyOf(missing);
        }
    }

    /** Why a job goes back to the queue; {@link #metricName} tags the requeue counter. */
    enum RequeueCause {
        UNDELIVERABLE("undeliverable"),
        LEASE_EXPIRED("lease-expired"),
        DISCONNECTED("disconnected"),
        INFRASTRUCTURE("infrastructure");

        private final String metricName;

        RequeueCause(String metricName) {
            this.metricName = metricName;
        }

        public String metricName() {
            return metricName;
        }
    }

    /**
     * Back to the queue as attempt {@code attempt}, claimable from {@code notBefore}.
     *
     * @param maxAttempts the job's attempt budget from now on (raised by one when the lost attempt
     *     does not count)
     * @param infrastructureRetries the job's infrastructure requeues from now on
     * @param failureCode the code to record, or null to keep the recorded one
     * @param cancelOldAttempt whether the old attempt's builder must be told to stop
     * @param priorityDrop how far below its requested priority the job queues: a job that failed
     *     for a fault of the infrastructure (or lost its builder) queues behind fresh jobs of its
     *     priority, so that a broken machine or a flapping builder does not keep the queue's head.
     *     Counted from the requested priority, so that retries do not add up
     * @param avoid the builder the next attempt should not go to, and until when; null when the
     *     lost attempt was not a builder's fault
     */
    record Requeue(
            int attempt,
            int maxAttempts,
            int infrastructureRetries,
            Instant notBefore,
            FailureCode failureCode,
            String reason,
            RequeueCause cause,
            boolean cancelOldAttempt,
            int priorityDrop,
            Avoid avoid)
            implements Decision {
        @Override
        public Optional<JobState> next() {
            return Optional.of(JobState.QUEUED);
        }
    }

    /**
     * Until {@code until} the job goes to any builder but {@code builderId} (and the builders it
     * already avoids): "retried on another builder when one exists". After that any builder may
     * take it, so that a farm of one builder still retries.
     */
    record Avoid(UUID builderId, Instant until) {
        public Avoid {
            Objects.requireNonNull(builderId);
            Objects.requireNonNull(until);
        }
    }

    /**
     * The job fails with {@code code}; a builder that may still run the attempt is told to stop.
     *
     * @param lostAttempt why the attempt was lost when the job fails because no attempt is left for
     *     a requeue; null otherwise
     */
    record Fail(FailureCode code, String reason, boolean cancelOldAttempt, RequeueCause lostAttempt)
            implements Decision {
        @Override
        public Optional<JobState> next() {
            return Optional.of(JobState.FAILED);
        }
    }

    /** The attempt succeeded: the completion's statement is kept as provenance. */
    record Succeed() implements Decision {
        @Override
        public Optional<JobState> next() {
            return Optional.of(JobState.SUCCEEDED);
        }
    }

    /** An operator cancelled the job; a builder that holds it is told to stop. */
    record Cancel(String reason, boolean cancelOldAttempt) implements Decision {
        @Override
        public Optional<JobState> next() {
            return Optional.of(JobState.CANCELLED);
        }
    }

    /**
     * An operator queued the failed or cancelled job again as attempt {@code attempt}, with a fresh
     * budget up to {@code maxAttempts} and no infrastructure retries used.
     */
    record Retry(int attempt, int maxAttempts) implements Decision {
        @Override
        public Optional<JobState> next() {
            return Optional.of(JobState.QUEUED);
        }
    }

    /** An operator asked for something the job's state does not allow (HTTP 409). */
    record Refuse(String detail) implements Decision {}
}
