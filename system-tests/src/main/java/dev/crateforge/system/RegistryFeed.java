package dev.crateforge.system;

import dev.crateforge.localstack.registry.LocalRegistry;
import java.nio.file.Path;
import java.util.Map;

/**
 * The small Cargo registry the local run follows: a {@link LocalRegistry} (git index plus a
 * loopback server for the {@code .crate} files and for publishing) and the settings that make the
 * scheduler's intake follow it and the artifact service name it in its download paths. Every
 * version published to it becomes a job without any hand submission; publishing one is a single
 * {@code curl -T} (see {@link #publishCommand}).
 */
public final class RegistryFeed implements AutoCloseable {

    /** The registry's name in the scheduler's configuration, the API and the /dl/ paths. */
    public static final String NAME = "local";

    private final LocalRegistry registry;

    private RegistryFeed(LocalRegistry registry) {
        this.registry = registry;
    }

    /** Creates the registry's index under {@code dir} and starts its server. */
    public static RegistryFeed start(Path dir) {
        return new RegistryFeed(LocalRegistry.create(dir));
    }

    public LocalRegistry registry() {
        return registry;
    }

    /**
     * The scheduler's intake settings: follow the index every 2 s, build every version (also those
     * published before the first poll: backfill at normal priority) for {@code target} as {@code
     * kind}; the downloads are on loopback, which a real registry's may never be.
     */
    public Map<String, String> schedulerSettings(String target, String kind) {
        String r = "crateforge.intake.registries." + NAME + ".";
        return Map.of(
                r + "index",
                registry.indexUrl(),
                r + "sparse-index",
                registry.sparseIndexUrl(),
                r + "targets",
                target,
                r + "kinds",
                kind,
                r + "poll-interval",
                "PT2S",
                r + "backfill",
                "true",
                r + "backfill-priority",
                "0",
                r + "allow-private-addresses",
                "true");
    }

    /** The artifact service serves this registry's name under /dl/, so its yanks mark artifacts. */
    public Map<String, String> artifactSettings() {
        return Map.of("artifact.downloads.registry", NAME);
    }

    /** The one command that publishes a packaged crate to the running registry. */
    public String publishCommand(String crateFile, String crate, String version) {
        return "curl -fsS -T " + crateFile + " " + registry.publishUrl(crate, version);
    }

    @Override
    public void close() {
        registry.close();
    }
}
