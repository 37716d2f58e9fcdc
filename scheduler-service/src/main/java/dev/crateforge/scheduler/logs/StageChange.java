package dev.crateforge.scheduler.logs;

import java.time.Instant;
import java.util.UUID;

/**
 * A stage the builder reported for one attempt; {@code seq} places it among the attempt's log
 * lines.
 */
public record StageChange(UUID jobId, int attempt, long seq, String stage, Instant at) {}
