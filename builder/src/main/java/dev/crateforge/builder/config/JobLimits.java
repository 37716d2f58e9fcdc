package dev.crateforge.builder.config;

import java.time.Duration;

/**
 * The caps that keep one hostile or broken crate from filling the disk, the log or the clock.
 *
 * @param maxSourceBytes largest {@code .crate} download
 * @param maxExtractedBytes largest total size of the extracted files
 * @param maxEntries most entries in the {@code .crate} archive
 * @param maxOutputBytes most bytes of build output forwarded as log lines; the rest is dropped
 * @param maxArtifactBytes largest artifact produced
 * @param maxJobTime upper bound of a job's time budget, whatever the assignment says
 */
public record JobLimits(
        long maxSourceBytes,
        long maxExtractedBytes,
        int maxEntries,
        long maxOutputBytes,
        long maxArtifactBytes,
        Duration maxJobTime) {

    /** Limits suited to ordinary crates. */
    public static JobLimits defaults() {
        return new JobLimits(
                64L << 20, 512L << 20, 20_000, 8L << 20, 1L << 30, Duration.ofHours(2));
    }
}
