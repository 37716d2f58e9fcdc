package dev.crateforge.scheduler.queue;

import java.time.Instant;

/**
 * Where a queued job stands: its place in its target's queue (1 is next) and when it is expected to
 * start, null when no estimate can be made (see {@link WaitEstimator}).
 */
public record QueueEstimate(long position, Instant eta) {}
