package dev.crateforge.protocol.job;

/**
 * Limits an operator set for one crate, carried in its assignments so that a crate known to need
 * more (or deserve less) than a builder's defaults gets it. Every field is optional: an absent one
 * leaves the builder's own default. A builder never goes past its own configured maximum, whatever
 * the override says (docs/builder.md, "Limits"), so an override can only ask.
 *
 * <p>The bounds below are sanity checks of the wire, not policy: they refuse zero, negative and
 * absurd values before they reach a scheduler table or a builder.
 *
 * @param memoryBytes memory of the build
 * @param cpuSeconds CPU time of each build process
 * @param processes most processes of the build at once
 * @param diskBytes most bytes in the job directory
 * @param logBytes most bytes of build output
 * @param noOutputSeconds longest time the build may print nothing
 */
public record JobLimitsOverride(
        Long memoryBytes,
        Long cpuSeconds,
        Integer processes,
        Long diskBytes,
        Long logBytes,
        Long noOutputSeconds) {

    public static final long MIN_MEMORY_BYTES = 16L << 20;
    public static final long MAX_MEMORY_BYTES = 1L << 40;
    public static final long MAX_SECONDS = 7L * 24 * 3600;
    public static final int MAX_PROCESSES = 65_536;
    public static final long MIN_DISK_BYTES = 1L << 20;
    public static final long MAX_DISK_BYTES = 16L << 40;
    public static final long MIN_LOG_BYTES = 1024;
    public static final long MAX_LOG_BYTES = 1L << 30;

    public JobLimitsOverride {
        optional(memoryBytes, "memoryBytes", MIN_MEMORY_BYTES, MAX_MEMORY_BYTES);
        optional(cpuSeconds, "cpuSeconds", 1, MAX_SECONDS);
        optional(processes == null ? null : processes.longValue(), "processes", 1, MAX_PROCESSES);
        optional(diskBytes, "diskBytes", MIN_DISK_BYTES, MAX_DISK_BYTES);
        optional(logBytes, "logBytes", MIN_LOG_BYTES, MAX_LOG_BYTES);
        optional(noOutputSeconds, "noOutputSeconds", 1, MAX_SECONDS);
    }

    /** True when no field is set: such an override changes nothing and is not worth sending. */
    public boolean setsNothing() {
        return memoryBytes == null
                && cpuSeconds == null
                && processes == null
                && diskBytes == null
                && logBytes == null
                && noOutputSeconds == null;
    }

    private static void optional(Long value, String field, long min, long max) {
        if (value != null && (value < min || value > max)) {
            throw new IllegalArgumentException(
                    "field '" + field + "' must be between " + min + " and " + max);
        }
    }
}
