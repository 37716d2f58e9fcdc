package dev.crateforge.scheduler.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When a queued job will start, from how many jobs are ahead of it, the slots that serve its target
 * and how long similar jobs took. Pure arithmetic, so that the method documented in
 * docs/scheduler.md is the method tested.
 *
 * <p>The model: the target's slots (busy now, plus free ones that builders are asking to fill) work
 * the queue in claim order. Free slots take the first jobs at once; every further job ahead waits
 * for a slot to come free, and slots come free at {@code slots / typical} per second. A job in
 * backoff starts no earlier than its backoff ends.
 */
public final class WaitEstimator {

    private WaitEstimator() {}

    /**
     * The estimated start of a queued job; empty when nothing serves its target now or no similar
     * job has finished yet, since any number would then be a guess.
     *
     * @param ahead queued jobs of the same target that are claimed before this one
     * @param capacity the target's slots now
     * @param typical how long a similar job takes, if known
     * @param now the moment of the estimate
     * @param notBefore when the job's backoff ends (its creation time when it has none)
     */
    public static Optional<Instant> estimatedStart(
            long ahead,
            TargetCapacity capacity,
            Optional<Duration> typical,
            Instant now,
            Instant notBefore) {
        if (ahead < 0) {
            throw new IllegalArgumentException("ahead must be 0 or more: " + ahead);
        }
        if (capacity.slots() == 0 || typical.isEmpty()) {
            return Optional.empty();
        }
        long releasesNeeded = Math.max(0, ahead + 1 - capacity.freeSlots());
        long waitMillis = releasesNeeded * typical.get().toMillis() / capacity.slots();
        Instant start = now.plusMillis(waitMillis);
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
        long totalMillis =
                work.stream().mapToLong(w -> w.jobs() * w.typical().get().toMillis()).sum();
        return Optional.of(now.plusMillis(totalMillis / capacity.slots()));
    }

    /** Queued jobs of one kind, and how long one of them typically takes. */
    public record QueuedWork(long jobs, Optional<Duration> typical) {}
}
