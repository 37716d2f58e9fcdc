package dev.crateforge.scheduler.queue;

/**
 * The slots that serve one target at a moment: attempts running on it, and free slots of waiting
 * job requests that accept it. A builder that accepts several targets counts for each of them: the
 * estimate is for one queue at a time.
 */
public record TargetCapacity(long busySlots, long freeSlots) {

    public TargetCapacity {
        if (busySlots < 0 || freeSlots < 0) {
            throw new IllegalArgumentException("slots must be 0 or more");
        }
    }

    /** Every slot that will work this target's queue. */
    public long slots() {
        return busySlots + freeSlots;
    }
}
