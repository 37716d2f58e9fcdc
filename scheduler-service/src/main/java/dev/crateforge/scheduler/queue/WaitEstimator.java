package dev.crateforge.scheduler.queue;

import dev.crateforge.protocol.job.ArtifactKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When a queued job will start, from the jobs ahead of it, the slots that serve its target and how
 * long similar jobs took. Pure arithmetic, so that the method documented in docs/scheduler.md is
 * the method tested.
 *
 * <p>The model: the target's slots (busy now, plus free ones that builders are asking to fill)
 * share the work in front of the job: what is left of the running attempts (half a typical job
 * each, as they are on average halfway through) and the typical duration of every job ahead. Free
 * slots take the first jobs at once. A job in backoff starts no earlier than its backoff ends.
 */
public final class WaitEstimator {

    private WaitEstimator() {}

    /**
     * The estimated start of a queued job; empty when nothing serves its target now or a kind in
     * front of it has no typical duration yet, since any number would then be a guess.
     *
     * @param ahead queued jobs of the same target that are claimed before this one, per kind
     * @param capacity the target's slots now
     * @param typical how long a job like this one takes, if known; stands for the running ones
     * @param now the moment of the estimate
     * @param notBefore when the job's backoff ends (its creation time when it has none)
     */
    public static Optional<Instant> estimatedStart(
            List<QueuedWork> ahead,
            TargetCapacity capacity,
            Optional<Duration> typical,
            Instant now,
            Instant notBefore) {
        if (capacity.slots() == 0
                || typical.isEmpty()
                || ahead.stream().anyMatch(w -> w.typical().isEmpty())) {
            return Optional.empty();
        }
        long jobsAhead = ahead.stream().mapToLong(QueuedWork::jobs).sum();
        Instant start = now;
        if (jobsAhead >= capacity.freeSlots()) {
            long workMillis =
                    totalMillis(ahead) + capacity.busySlots() * typical.get().toMillis() / 2;
            start = now.plusMillis(workMillis / capacity.slots());
        }
        return Optional.of(start.isBefore(notBefore) ? notBefore : start);
    }

    /**
     * When the target's slots would have worked off a queue: the sum of every queued job's typical
     * duration shared by the slots. Empty when nothing serves the target or a kind in the queue has
     * no typical duration yet.
     *
     * @param work the queued jobs, as (how many, typical duration of one) per kind
     */
    public static Optional<Instant> estimatedDrain(
            List<QueuedWork> work, TargetCapacity capacity, Instant now) {
        if (capacity.slots() == 0 || work.stream().anyMatch(w -> w.typical().isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(now.plusMillis(totalMillis(work) / capacity.slots()));
    }

    private static long totalMillis(List<QueuedWork> work) {
        return work.stream().mapToLong(w -> w.jobs() * w.typical().get().toMillis()).sum();
    }

    /** Queued jobs of one kind, and how long one of them typically takes. */
    public record QueuedWork(ArtifactKind kind, long jobs, Optional<Duration> typical) {

        public QueuedWork {
            if (jobs < 0) {
                throw new IllegalArgumentException("jobs must be 0 or more: " + jobs);
            }
        }
    }
}
