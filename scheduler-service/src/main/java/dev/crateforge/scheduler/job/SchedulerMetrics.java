package dev.crateforge.scheduler.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scheduler's own meters (all named {@code crateforge_scheduler_*} in Prometheus): queue depth,
 * assignment latency, lease expiries, requeues and ignored stale records.
 */
@ApplicationScoped
public class SchedulerMetrics {

    private final MeterRegistry registry;
    private final Timer assignmentLatency;
    private final Counter assignments;
    private final Counter leaseExpiries;
    private final Counter staleRecords;
    private final Counter logLines;
    private final AtomicLong quarantined = new AtomicLong();
    private final Map<List<String>, AtomicLong> depth = new ConcurrentHashMap<>();

    public SchedulerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("crateforge.scheduler.builders.quarantined", quarantined, AtomicLong::get)
                .description("Builders kept from jobs for disagreeing in reproductions")
                .register(registry);
        this.assignmentLatency =
                Timer.builder("crateforge.scheduler.assignment.latency")
                        .description("From a builder's request to the assignment of a job to it")
                        .publishPercentiles(0.5, 0.99)
                        .register(registry);
        this.assignments =
                Counter.builder("crateforge.scheduler.assignments")
                        .description("Jobs assigned to builders")
                        .register(registry);
        this.leaseExpiries =
                Counter.builder("crateforge.scheduler.lease.expiries")
                        .description("Attempts whose lease ran out")
                        .register(registry);
        this.staleRecords =
                Counter.builder("crateforge.scheduler.stale.records")
                        .description("Events and completions of an attempt that is no longer live")
                        .register(registry);
        this.logLines =
                Counter.builder("crateforge.scheduler.log.lines")
                        .description("Log lines stored")
                        .register(registry);
    }

    public void assigned(Duration sinceRequest) {
        assignments.increment();
        assignmentLatency.record(sinceRequest.isNegative() ? Duration.ZERO : sinceRequest);
    }

    public void leaseExpired() {
        leaseExpiries.increment();
    }

    public void requeued(String reason) {
        Counter.builder("crateforge.scheduler.requeues")
                .description("Jobs put back in the queue, by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /** The builders kept from jobs for disagreeing in reproductions. */
    public void quarantinedBuilders(long count) {
        quarantined.set(count);
    }

    public void staleRecord() {
        staleRecords.increment();
    }

    public void logLineStored() {
        logLines.increment();
    }

    public void logLinesStored(int count) {
        if (count > 0) {
            logLines.increment(count);
        }
    }

    /** Replaces the queue-depth gauges with a fresh count; absent pairs drop to zero. */
    public void queueDepth(Map<List<String>, Long> counts) {
        depth.forEach((key, value) -> value.set(counts.getOrDefault(key, 0L)));
        counts.forEach(
                (key, count) ->
                        depth.computeIfAbsent(
                                        key,
                                        k -> {
                                            AtomicLong value = new AtomicLong();
                                            Gauge.builder(
                                                            "crateforge.scheduler.jobs",
                                                            value,
                                                            AtomicLong::get)
                                                    .description("Jobs by state and target")
                                                    .tag("state", k.get(0))
                                                    .tag("target", k.get(1))
                                                    .register(registry);
                                            return value;
                                        })
                                .set(count));
    }
}
