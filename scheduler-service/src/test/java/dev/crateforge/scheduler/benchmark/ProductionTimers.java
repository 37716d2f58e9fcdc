package dev.crateforge.scheduler.benchmark;

import java.util.HashMap;
import java.util.Map;

/**
 * The configuration the scheduler's throughput benchmarks start from. The test profile runs the
 * lease sweep and the queue gauges every second or two, which would put several times their
 * production load on the measured figures; here they run at production intervals, leases outlive
 * the run (no job is taken back while the benchmark holds it), and the service logs warnings only.
 */
final class ProductionTimers {

    private ProductionTimers() {}

    /** These overrides, then {@code more} (which wins where both set a key). */
    static Map<String, String> with(Map<String, String> more) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("crateforge.scheduler.lease", "PT30M");
        overrides.put("crateforge.scheduler.sweep-interval", "5s");
        overrides.put("crateforge.scheduler.queue-metrics-interval", "15s");
        overrides.put("quarkus.log.category.\"dev.crateforge\".level", "WARN");
        overrides.putAll(more);
        return Map.copyOf(overrides);
    }
}
