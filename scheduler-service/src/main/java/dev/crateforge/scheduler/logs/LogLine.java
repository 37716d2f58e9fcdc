package dev.crateforge.scheduler.logs;

import java.time.Instant;

/**
 * One stored log line of a job attempt.
 *
 * @param number the line's place among the attempt's stored lines, 1, 2, 3 … without gaps (the
 *     builder's {@code seq} also counts its stage changes and heartbeats, so it has gaps)
 * @param seq the builder's sequence number: the cursor for {@code after}
 */
public record LogLine(
        int attempt, long number, long seq, String stream, String line, Instant createdAt) {}
