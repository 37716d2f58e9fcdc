package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.scheduler.config.SchedulerConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * The numbers {@link JobLifecycle} decides by: attempts, infrastructure retries, lease, backoff,
 * disconnect grace and how long a completion waits for its artifacts. Passed in rather than read,
 * so that a test states the policy it decides under.
 *
 * @param maxAttempts attempts a job gets again when an operator retries it
 * @param infrastructureRetries requeues for failures that are not the crate's before the job fails
 *     as {@code infrastructure}
 * @param lease how long an assignment lives without an event
 * @param backoffInitial pause before the second attempt; it doubles with every further attempt
 * @param backoffMax the longest pause
 * @param disconnectGrace how long a job waits for its builder to come back
 * @param completionWait how long a completion waits for its artifact records
 * @param retryElsewhere how long, past its backoff, a job that lost an attempt to a builder's fault
 *     waits for another builder before the same builder may take it again; zero turns the rule off
 */
public record LifecyclePolicy(
        int maxAttempts,
        int infrastructureRetries,
        Duration lease,
        Duration backoffInitial,
        Duration backoffMax,
        Duration disconnectGrace,
        Duration completionWait,
        Duration retryElsewhere) {

    public LifecyclePolicy {
        if (maxAttempts < 1 || maxAttempts > JobLifecycle.ATTEMPT_CEILING) {
            throw new IllegalArgumentException(
                    "maxAttempts must be between 1 and " + JobLifecycle.ATTEMPT_CEILING);
        }
        if (infrastructureRetries < 0) {
            throw new IllegalArgumentException("infrastructureRetries must be 0 or more");
        }
        for (Duration d :
                new Duration[] {
                    lease,
                    backoffInitial,
                    backoffMax,
                    disconnectGrace,
                    completionWait,
                    retryElsewhere
                }) {
            if (Objects.requireNonNull(d).isNegative()) {
                throw new IllegalArgumentException("durations must not be negative");
            }
        }
    }

    /** The deployment's policy. */
    public static LifecyclePolicy of(SchedulerConfig config) {
        return new LifecyclePolicy(
                config.maxAttempts(),
                config.infrastructureRetries(),
                config.lease(),
                config.backoffInitial(),
                config.backoffMax(),
                config.disconnectGrace(),
                config.completionWait(),
                config.retryElsewhere());
    }

    /** Backoff after attempt {@code n}: initial × 2^(n-1), at most {@link #backoffMax}. */
    public Duration backoff(int attempt) {
        Duration delay = backoffInitial;
        for (int i = 1; i < attempt && delay.compareTo(backoffMax) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(backoffMax) > 0 ? backoffMax : delay;
    }
}
