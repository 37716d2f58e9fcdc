package dev.crateforge.scheduler.logs;

import java.util.UUID;

/** One log line to be stored. */
public record LogRow(UUID jobId, int attempt, long seq, String stream, String line) {}
