package dev.crateforge.scheduler.intake;

import java.time.Instant;

/**
 * One registry as operators see it.
 *
 * @param cursorCommit the last index commit whose versions are all jobs (null before the first
 *     poll)
 * @param headCommit the index head the last poll saw
 * @param lagCommits commits between the cursor and that head
 */
public record RegistryView(
        String name,
        boolean enabled,
        boolean paused,
        String cursorCommit,
        String headCommit,
        int lagCommits,
        long versionsSeen,
        long jobsCreated,
        long badLines,
        String lastError,
        Instant lastErrorAt,
        Instant lastPollAt) {}
