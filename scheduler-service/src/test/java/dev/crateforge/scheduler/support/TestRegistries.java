package dev.crateforge.scheduler.support;

import dev.crateforge.localstack.registry.LocalRegistry;
import dev.crateforge.scheduler.intake.IntakeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The followed registries of an intake test profile: each one's index in a fresh directory, its
 * {@code crateforge.intake.registries.<name>.*} keys, and the {@link LocalRegistry} that writes the
 * index at the configured path once the application runs (a profile must name the paths before the
 * registries exist).
 */
public final class TestRegistries {

    private final Path root;
    private final Map<String, String> config = new LinkedHashMap<>();

    private TestRegistries(Path root) {
        this.root = root;
    }

    /** Registries whose indexes go into a new temporary directory named after {@code prefix}. */
    public static TestRegistries inTempDirectory(String prefix) {
        try {
            return new TestRegistries(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A setting outside the registries (say, {@code crateforge.intake.enabled}). */
    public TestRegistries with(String key, String value) {
        config.put(key, value);
        return this;
    }

    /**
     * A registry with its index under the directory and its jobs built for {@code target}, plus
     * more of its keys as pairs ({@code "backfill", "true", …}).
     */
    public TestRegistries registry(String name, String target, String... keysAndValues) {
        String prefix = "crateforge.intake.registries." + name + ".";
        config.put(prefix + "index", root.resolve(name + "/index").toString());
        config.put(prefix + "targets", target);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put(prefix + keysAndValues[i], keysAndValues[i + 1]);
        }
        return this;
    }

    public Map<String, String> config() {
        return Map.copyOf(config);
    }

    /**
     * The {@link LocalRegistry} of a configured registry: its index at the configured path, its
     * server on the configured sparse index's port (a free one without a sparse index).
     */
    public static LocalRegistry open(IntakeConfig config, String name) {
        IntakeConfig.Registry registry = config.registries().get(name);
        int port = registry.sparseIndex().map(url -> URI.create(url).getPort()).orElse(0);
        return LocalRegistry.create(Path.of(registry.index()).getParent(), port);
    }
}
