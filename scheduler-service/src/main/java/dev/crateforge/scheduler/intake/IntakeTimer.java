package dev.crateforge.scheduler.intake;

import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.kafka.Reproduction;
import dev.crateforge.scheduler.config.SchedulerConfig;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Starts each registry's poll when its interval has passed (every replica does; the registry's lock
 * lets one of them through), and refreshes the lag gauges from the shared cursors. Checks the
 * registries' configuration at start, so that a typo fails the start, not every poll.
 */
@ApplicationScoped
public class IntakeTimer {

    /** Registry names appear in metric tags, URLs and lock keys. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final IntakeConfig config;
    private final RegistryWatcher watcher;
    private final IntakeRepository repository;
    private final IntakeMetrics metrics;
    private final SchedulerConfig scheduler;
    private final Map<String, Instant> nextPoll = new ConcurrentHashMap<>();

    public IntakeTimer(
            IntakeConfig config,
            RegistryWatcher watcher,
            IntakeRepository repository,
            IntakeMetrics metrics,
            SchedulerConfig scheduler) {
        this.config = config;
        this.watcher = watcher;
        this.repository = repository;
        this.metrics = metrics;
        this.scheduler = scheduler;
    }

    void checkConfiguration(@Observes StartupEvent start) {
        config.registries().forEach(this::check);
        if (!config.registries().isEmpty()) {
            Log.infof(
                    "Registry intake %s for %s",
                    config.enabled() ? "follows" : "is off",
                    String.join(", ", config.registries().keySet()));
        }
    }

    private void check(String name, IntakeConfig.Registry registry) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalStateException(
                    "crateforge.intake.registries."
                            + name
                            + ": the name must be lowercase letters,"
                            + " digits and '-', at most 63 characters");
        }
        for (String target : registry.targets()) {
            if (!scheduler.targets().contains(target)) {
                throw new IllegalStateException(
                        "crateforge.intake.registries."
                                + name
                                + ".targets: '"
                                + target
                                + "' is not in crateforge.scheduler.targets");
            }
        }
        for (String kind : registry.kinds()) {
            if (ArtifactKind.fromWireName(kind).isEmpty()) {
                throw new IllegalStateException(
                        "crateforge.intake.registries."
                                + name
                                + ".kinds: '"
                                + kind
                                + "' is not an artifact kind");
            }
        }
        if (registry.token().isPresent()) {
            if (config.sourceProxyUrl().isEmpty()) {
                throw new IllegalStateException(
                        "crateforge.intake.registries."
                                + name
                                + ".token needs crateforge.intake.source-proxy-url (the"
                                + " scheduler's URL as builders reach it)");
            }
            if (config.sourceProxyKey().map(String::length).orElse(0) < 32) {
                throw new IllegalStateException(
                        "crateforge.intake.registries."
                                + name
                                + ".token needs crateforge.intake.source-proxy-key of at least 32"
                                + " characters, the same on every replica");
            }
        }
        if (hasUserInfo(registry.index())) {
            // A credential in the URL would show in every fetch error the intake logs and
            // reports; the password has a setting of its own that is never logged.
            throw new IllegalStateException(
                    "crateforge.intake.registries."
                            + name
                            + ".index: put no user name or password in the URL; set"
                            + " index-username and index-password instead");
        }
        if (registry.reproduce() < 1 || registry.reproduce() > Reproduction.MOST_BUILDS) {
            throw new IllegalStateException(
                    "crateforge.intake.registries."
                            + name
                            + ".reproduce must be between 1 and "
                            + Reproduction.MOST_BUILDS);
        }
        if (registry.maxJobsPerPoll() < 1) {
            throw new IllegalStateException(
                    "crateforge.intake.registries."
                            + name
                            + ".max-jobs-per-poll must be at least 1");
        }
    }

    @Scheduled(
            every = "${crateforge.intake.tick:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (!config.enabled() || config.registries().isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        config.registries()
                .forEach(
                        (name, registry) -> {
                            if (registry.enabled()
                                    && !now.isBefore(nextPoll.getOrDefault(name, Instant.MIN))) {
                                nextPoll.put(name, now.plus(registry.pollInterval()));
                                watcher.poll(name);
                            }
                        });
        refreshGauges();
    }

    /** Sets every registry's lag gauge from its cursor (whichever replica polled it). */
    public void refreshGauges() {
        try {
            QuarkusTransaction.requiringNew()
                    .call(repository::cursors)
                    .forEach(c -> metrics.lag(c.registry(), c.lagCommits()));
        } catch (RuntimeException e) {
            Log.debugf("Intake gauges not refreshed: %s", e.getMessage());
        }
    }

    /** Whether a URL names a user (and maybe a password) before its host. */
    static boolean hasUserInfo(String index) {
        try {
            return new java.net.URI(index).getRawUserInfo() != null;
        } catch (java.net.URISyntaxException e) {
            return false; // a local path, or a URL git rejects with its own message
        }
    }
}
