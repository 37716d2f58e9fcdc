package dev.crateforge.builder.config;

import dev.crateforge.protocol.job.JobLimitsOverride;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

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
 *     <p>These are the builder's own settings: the limits of every job that carries no override,
 *     and the most any override may ask for ({@link #forJob}).
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

    /**
     * The limits of one job: each value of the operator's override replaces this builder's own, but
     * never exceeds it, since the owner of the machine has the last word. A value that asked for
     * more is told to {@code onCapped}, so that the job's log says why it got less.
     *
     * @param override the assignment's limits, or {@code null}: these limits as they are
     */
    public JobLimits forJob(JobLimitsOverride override, Consumer<String> onCapped) {
        if (override == null) {
            return this;
        }
        return withBuildLimits(
                capped("memoryBytes", override.memoryBytes(), memoryBytes, onCapped),
                Duration.ofSeconds(
                        capped("cpuSeconds", override.cpuSeconds(), cpuTime.toSeconds(), onCapped)),
                (int)
                        capped(
                                "processes",
                                override.processes() == null
                                        ? null
                                        : override.processes().longValue(),
                                maxProcesses,
                                onCapped),
                capped("diskBytes", override.diskBytes(), maxDiskBytes, onCapped),
                capped("logBytes", override.logBytes(), maxOutputBytes, onCapped),
                Duration.ofSeconds(
                        capped(
                                "noOutputSeconds",
                                override.noOutputSeconds(),
                                noOutputTime.toSeconds(),
                                onCapped)));
    }

    /** The limits under their provenance names (SLSA internal parameters), sorted. */
    public Map<String, Long> describe() {
        Map<String, Long> caps = new TreeMap<>();
        caps.put("maxSourceBytes", maxSourceBytes);
        caps.put("maxExtractedBytes", maxExtractedBytes);
        caps.put("maxEntries", (long) maxEntries);
        caps.put("maxOutputBytes", maxOutputBytes);
        caps.put("maxArtifactBytes", maxArtifactBytes);
        caps.put("maxJobSeconds", maxJobTime.toSeconds());
        caps.put("maxMemoryBytes", memoryBytes);
        caps.put("maxCpuSeconds", cpuTime.toSeconds());
        caps.put("maxProcesses", (long) maxProcesses);
        caps.put("maxDiskBytes", maxDiskBytes);
        caps.put("noOutputSeconds", noOutputTime.toSeconds());
        return caps;
    }

    private static long capped(String field, Long asked, long maximum, Consumer<String> onCapped) {
        if (asked == null) {
            return maximum;
        }
        if (asked > maximum) {
            onCapped.accept(
                    "limit override "
                            + field
                            + "="
                            + asked
                            + " is above this builder's maximum; capped at "
                            + maximum);
            return maximum;
        }
        return asked;
    }
}
