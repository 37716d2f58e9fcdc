package dev.crateforge.scheduler.repository;

import java.time.Instant;

/** One stored log line of a job attempt. */
public record LogLine(int attempt, long seq, String stream, String line, Instant createdAt) {}
