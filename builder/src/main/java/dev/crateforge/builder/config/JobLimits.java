package dev.crateforge.builder.config;

import java.time.Duration;

/**
 * The caps that keep one hostile or broken crate from filling the disk, the memory, the process
 * table, the log or the clock. Each one that a build can exceed ends the build with its own failure
 * code (docs/builder.md, "Limits"), so that the submitter reads which limit the crate hit.
 *
 * @param maxSourceBytes largest {@code .crate} download
 * @param maxExtractedBytes largest total size of the extracted files
 * @param maxEntries most entries in the {@code .crate} archive
 * @param maxOutputBytes most bytes of build output; past it the build is stopped ({@code
 *     log_limit}) and nothing more is forwarded
 * @param maxArtifactBytes largest artifact produced
 * @param maxJobTime upper bound of a job's time budget, whatever the assignment says
 * @param memoryBytes memory of the build (cgroup v2 {@code memory.max} where available, else {@code
 *     RLIMIT_DATA} per process)
 * @param cpuTime CPU time of each build process ({@code RLIMIT_CPU})
 * @param maxProcesses most processes of one build at once
 * @param maxDiskBytes most bytes in the job directory (measured while the build runs) and largest
 *     single file ({@code RLIMIT_FSIZE})
 * @param noOutputTime longest time a build may print nothing before it is stopped ({@code
 *     no_output})
 */
public record JobLimits(
        long maxSourceBytes,
        long maxExtractedBytes,
        int maxEntries,
        long maxOutputBytes,
        long maxArtifactBytes,
        Duration maxJobTime,
        long memoryBytes,
        Duration cpuTime,
        int maxProcesses,
        long maxDiskBytes,
        Duration noOutputTime) {

    /** Limits suited to ordinary crates. */
    public static JobLimits defaults() {
        return new JobLimits(
                64L << 20,
                512L << 20,
                20_000,
                8L << 20,
                1L << 30,
                Duration.ofHours(2),
                4L << 30,
                Duration.ofHours(1),
                512,
                16L << 30,
                Duration.ofMinutes(10));
    }

    /** The same limits with others for the build's own resources. */
    public JobLimits withBuildLimits(
            long memoryBytes,
            Duration cpuTime,
            int maxProcesses,
            long maxDiskBytes,
            long maxOutputBytes,
            Duration noOutputTime) {
        return new JobLimits(
                maxSourceBytes,
                maxExtractedBytes,
                maxEntries,
                maxOutputBytes,
                maxArtifactBytes,
                maxJobTime,
                memoryBytes,
                cpuTime,
                maxProcesses,
                maxDiskBytes,
                noOutputTime);
    }
}
