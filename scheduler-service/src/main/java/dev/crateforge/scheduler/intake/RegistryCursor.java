package dev.crateforge.scheduler.intake;

import java.time.Instant;

/**
 * Where a registry's index was read up to, and what the intake did with it.
 *
 * @param commitId the last index commit whose changes are all stored; null before the first poll
 * @param headCommit the index head the last poll saw; null before the first poll
 * @param lagCommits how many commits the cursor is behind that head
 */
public record RegistryCursor(
        String registry,
        String commitId,
        String headCommit,
        int lagCommits,
        long versionsSeen,
        long jobsCreated,
        long badLines,
        String lastError,
        Instant lastErrorAt,
        Instant lastPollAt,
        boolean paused) {

    /** The cursor of a registry never polled nor paused (no row yet). */
    static RegistryCursor none(String registry) {
        return new RegistryCursor(registry, null, null, 0, 0, 0, 0, null, null, null, false);
    }
}
