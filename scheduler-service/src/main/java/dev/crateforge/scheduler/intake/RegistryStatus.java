package dev.crateforge.scheduler.intake;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The followed registries with their cursors, for the API and the console alike. */
@ApplicationScoped
public class RegistryStatus {

    private final IntakeConfig config;
    private final IntakeRepository repository;

    public RegistryStatus(IntakeConfig config, IntakeRepository repository) {
        this.config = config;
        this.repository = repository;
    }

    /** Every configured registry, by name. */
    public List<RegistryView> all() {
        Map<String, RegistryCursor> cursors =
                QuarkusTransaction.requiringNew().call(repository::cursors).stream()
                        .collect(Collectors.toMap(RegistryCursor::registry, Function.identity()));
        return config.registries().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> view(e.getKey(), e.getValue(), cursors.get(e.getKey())))
                .toList();
    }

    /** The registry as operators see it, from its configuration and its cursor (if any). */
    static RegistryView view(String name, IntakeConfig.Registry registry, RegistryCursor found) {
        RegistryCursor cursor = found == null ? RegistryCursor.none(name) : found;
        return new RegistryView(
                name,
                registry.enabled(),
                cursor.paused(),
                cursor.commitId(),
                cursor.headCommit(),
                cursor.lagCommits(),
                cursor.versionsSeen(),
                cursor.jobsCreated(),
                cursor.badLines(),
                cursor.lastError(),
                cursor.lastErrorAt(),
                cursor.lastPollAt());
    }
}
