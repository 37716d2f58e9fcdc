package dev.crateforge.builder.support;

import dev.crateforge.builder.config.KeyFiles;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The committed test keys (made with ssh-keygen; they protect nothing). */
public final class TestKeys {

    private TestKeys() {}

    public static Path path(String name) {
        try {
            return Path.of(TestKeys.class.getResource("/keys/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key the fake gateway does not know. */
    public static SshPrivateKey otherKey() {
        return KeyFiles.load(path("other_ed25519"));
    }

    public static SshPrivateKey builderKey() {
        return KeyFiles.load(path("builder_ed25519"));
    }
}
