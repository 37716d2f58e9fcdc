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
 * @param maxima the most an operator's override may ask for, limit by limit ({@link #forJob})
 *     <p>The six limits of the build itself (memory, CPU time, processes, disk, output, time
 *     without output) are the defaults of every job that carries no override for them; {@code
 *     maxima} are the hard ceilings this machine's owner accepts. They are two settings because an
 *     operator of CrateForge must be able to give one big crate more than every crate gets.
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
        Duration noOutputTime,
        BuildLimits maxima) {

    /**
     * The six limits of the build itself, as the ceilings of {@link #maxima} (an override above one
     * gets the ceiling; none may be below its default) or as a job's values.
     */
    public record BuildLimits(
            long memoryBytes,
            Duration cpuTime,
            int processes,
            long diskBytes,
            long outputBytes,
            Duration noOutputTime) {}

    public JobLimits {
        atLeastTheDefault("memoryBytes", maxima.memoryBytes(), memoryBytes);
        atLeastTheDefault("cpuSeconds", maxima.cpuTime().toSeconds(), cpuTime.toSeconds());
        atLeastTheDefault("processes", maxima.processes(), maxProcesses);
        atLeastTheDefault("diskBytes", maxima.diskBytes(), maxDiskBytes);
        atLeastTheDefault("logBytes", maxima.outputBytes(), maxOutputBytes);
        atLeastTheDefault(
                "noOutputSeconds", maxima.noOutputTime().toSeconds(), noOutputTime.toSeconds());
    }

    /** Limits suited to ordinary crates; no override can raise them (maxima = defaults). */
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
                Duration.ofMinutes(10),
                new BuildLimits(
                        4L << 30,
                        Duration.ofHours(1),
                        512,
                        16L << 30,
                        8L << 20,
                        Duration.ofMinutes(10)));
    }

    /**
     * The same limits with others for the build's own resources, each its own maximum (no override
     * can raise them).
     */
    public JobLimits withBuildLimits(
            long memoryBytes,
            Duration cpuTime,
            int maxProcesses,
            long maxDiskBytes,
            long maxOutputBytes,
            Duration noOutputTime) {
        BuildLimits values =
                new BuildLimits(
                        memoryBytes,
                        cpuTime,
                        maxProcesses,
                        maxDiskBytes,
                        maxOutputBytes,
                        noOutputTime);
        return withBuild(values, values);
    }

    /** The same limits with other ceilings for the operator's overrides. */
    public JobLimits withMaxima(BuildLimits ceilings) {
        return withBuild(buildLimits(), ceilings);
    }

    /** The six limits of the build as they are, the defaults of a job without an override. */
    public BuildLimits buildLimits() {
        return new BuildLimits(
                memoryBytes, cpuTime, maxProcesses, maxDiskBytes, maxOutputBytes, noOutputTime);
    }

    private JobLimits withBuild(BuildLimits values, BuildLimits ceilings) {
        return new JobLimits(
                maxSourceBytes,
                maxExtractedBytes,
                maxEntries,
                values.outputBytes(),
                maxArtifactBytes,
                maxJobTime,
                values.memoryBytes(),
                values.cpuTime(),
                values.processes(),
                values.diskBytes(),
                values.noOutputTime(),
                ceilings);
    }

    /**
     * The limits of one job: each value of the operator's override replaces this builder's default,
     * but never exceeds this builder's maximum, since the owner of the machine has the last word. A
     * value that asked for more is told to {@code onCapped}, so that the job's log says why it got
     * less; a limit the override does not set keeps its default.
     *
     * @param override the assignment's limits, or {@code null}: these limits as they are
     */
    public JobLimits forJob(JobLimitsOverride override, Consumer<String> onCapped) {
        if (override == null) {
            return this;
        }
        // in the order of the override's fields, so that the log reads like the assignment
        long memory =
                resolve(
                        "memoryBytes",
                        override.memoryBytes(),
                        memoryBytes,
                        maxima.memoryBytes(),
                        onCapped);
        long cpu =
                resolve(
                        "cpuSeconds",
                        override.cpuSeconds(),
                        cpuTime.toSeconds(),
                        maxima.cpuTime().toSeconds(),
                        onCapped);
        long processes =
                resolve(
                        "processes",
                        override.processes() == null ? null : override.processes().longValue(),
                        maxProcesses,
                        maxima.processes(),
                        onCapped);
        long disk =
                resolve(
                        "diskBytes",
                        override.diskBytes(),
                        maxDiskBytes,
                        maxima.diskBytes(),
                        onCapped);
        long log =
                resolve(
                        "logBytes",
                        override.logBytes(),
                        maxOutputBytes,
                        maxima.outputBytes(),
                        onCapped);
        long silence =
                resolve(
                        "noOutputSeconds",
                        override.noOutputSeconds(),
                        noOutputTime.toSeconds(),
                        maxima.noOutputTime().toSeconds(),
                        onCapped);
        return withBuild(
                new BuildLimits(
                        memory,
                        Duration.ofSeconds(cpu),
                        (int) processes,
                        disk,
                        log,
                        Duration.ofSeconds(silence)),
                maxima);
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

    /** The override's value within the maximum, or the default when the override has none. */
    private static long resolve(
            String field, Long asked, long dflt, long maximum, Consumer<String> onCapped) {
        if (asked == null) {
            return dflt;
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

    private static void atLeastTheDefault(String field, long maximum, long dflt) {
        if (maximum < dflt) {
            throw new IllegalArgumentException(
                    "the maximum of "
                            + field
                            + " ("
                            + maximum
                            + ") is below its default ("
                            + dflt
                            + ")");
        }
    }
}
