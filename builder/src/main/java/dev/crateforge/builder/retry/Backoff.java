package dev.crateforge.builder.retry;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Retry delays as docs/protocol.md §4 and §6 ask (reconnects, uploads, refused messages): start at
 * the minimum, double after every failed attempt up to the maximum, and spread each delay by a
 * random ±50% so that builders dropped together do not all come back in the same instant.
 */
public final class Backoff {

    private final Duration min;
    private final Duration max;
    private final RandomGenerator random;
    private Duration current;

    public Backoff(Duration min, Duration max, RandomGenerator random) {
        this.min = min;
        this.max = max;
        this.random = random;
        this.current = min;
    }

    /** The next delay, with jitter; doubles the base for the time after. */
    public synchronized Duration next() {
        Duration base = current;
        Duration doubled = current.multipliedBy(2);
        current = doubled.compareTo(max) > 0 ? max : doubled;
        double factor = 0.5 + random.nextDouble(); // [0.5, 1.5)
        return Duration.ofMillis(Math.round(base.toMillis() * factor));
    }

    /** Back to the minimum, after a connection that authenticated. */
    public synchronized void reset() {
        current = min;
    }
}
