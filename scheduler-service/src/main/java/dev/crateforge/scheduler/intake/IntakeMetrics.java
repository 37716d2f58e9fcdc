package dev.crateforge.scheduler.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The intake's meters, tagged by registry ({@code crateforge_intake_*} in Prometheus). Counters
 * count what this replica did (sum them over replicas); the lag gauge is read from the shared
 * cursor, so every replica reports the same value.
 */
@ApplicationScoped
public class IntakeMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();

    public IntakeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void versionsSeen(String name, long count) {
        counter(
                        "crateforge.intake.versions.seen",
                        "Index versions read (new, yanked or unyanked)",
                        name)
                .increment(count);
    }

    void jobsCreated(String name, long count) {
        counter("crateforge.intake.jobs.created", "Jobs queued for registry versions", name)
                .increment(count);
    }

    void errors(String name, long count) {
        counter(
                        "crateforge.intake.errors",
                        "Failed polls and refused index lines or download URLs",
                        name)
                .increment(count);
    }

    void lag(String name, long commits) {
        lag.computeIfAbsent(
                        name,
                        n -> {
                            AtomicLong value = new AtomicLong();
                            Gauge.builder("crateforge.intake.lag.commits", value, AtomicLong::get)
                                    .description("Index commits the cursor is behind the head")
                                    .tag("registry", n)
                                    .register(registry);
                            return value;
                        })
                .set(commits);
    }

    private Counter counter(String meter, String description, String name) {
        return Counter.builder(meter)
                .description(description)
                .tag("registry", name)
                .register(registry);
    }
}
