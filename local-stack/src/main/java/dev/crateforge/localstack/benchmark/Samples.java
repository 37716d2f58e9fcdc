package dev.crateforge.localstack.benchmark;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * What every benchmark computes from its samples, computed the same way everywhere so that figures
 * of different benchmarks mean the same thing: percentiles by nearest rank (the value of a real
 * sample, never an interpolation between two), and the machine's load beside them.
 */
public final class Samples {

    private Samples() {}

    /**
     * The {@code p}-th percentile (0 < p ≤ 100) of {@code values} by nearest rank: the smallest
     * sample with at least p % of the samples at or below it; {@code p = 100} is the maximum. NaN
     * when there are no samples. {@code values} is left as it is.
     */
    public static double percentile(double[] values, double p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("a percentile is in (0, 100]: " + p);
        }
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    /**
     * The system load average over the last minute: printed beside a figure, it says how far to
     * trust the figure's absolute value (other work on the same cores).
     */
    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
