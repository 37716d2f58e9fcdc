package dev.crateforge.scheduler.queue;

import dev.crateforge.protocol.job.ArtifactKind;
import java.time.Instant;
import java.util.List;

/**
 * The queue at a glance, per target: how deep it is by priority and kind, how old its oldest job
 * is, the slots serving it, and when they would have worked it off ({@code estimatedDrainAt}, null
 * when no estimate can be made). Targets that builders serve but that have nothing queued are
 * listed too.
 */
public record QueueSummary(Instant at, long queued, List<TargetQueue> targets) {

    /** One target's queue. */
    public record TargetQueue(
            String target,
            long queued,
            Instant oldestQueuedAt,
            long busySlots,
            long freeSlots,
            List<PriorityDepth> byPriority,
            List<KindDepth> byKind,
            Instant estimatedDrainAt) {}

    /** Queued jobs of one priority, highest priority first. */
    public record PriorityDepth(int priority, long queued) {}

    /**
     * Queued jobs of one kind, with the median duration of recent finished jobs of that target and
     * kind (null before any finished).
     */
    public record KindDepth(ArtifactKind kind, long queued, Double typicalSeconds) {}
}
