package dev.crateforge.artifact.service;

import java.time.Duration;

/** When a comparison must stop reading, checked between reads. */
public final class Deadline {

    private final long endNanos;

    private Deadline(long endNanos) {
        this.endNanos = endNanos;
    }

    /** No deadline: for reads bounded by their size alone. */
    public static final Deadline NONE = new Deadline(Long.MAX_VALUE);

    /** The deadline {@code budget} from now. */
    public static Deadline in(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos());
    }

    public boolean passed() {
        return this != NONE && System.nanoTime() - endNanos > 0;
    }
}
