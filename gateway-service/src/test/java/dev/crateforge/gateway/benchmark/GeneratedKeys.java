package dev.crateforge.gateway.benchmark;

import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Many ed25519 keys made by ssh-keygen in one shell loop (the benchmark needs ssh-keygen). */
final class GeneratedKeys {

    private GeneratedKeys() {}

    static List<SshPrivateKey> ed25519(int count) throws Exception {
        Path dir = Files.createTempDirectory("bench-keys");
        Process p =
                new ProcessBuilder(
                                "bash",
                                "-c",
                                "for i in $(seq 0 "
                                        + (count - 1)
                                        + "); do ssh-keygen -q -t ed25519 -N '' -C bench$i -f "
                                        + dir
                                        + "/k$i || exit 1; done")
                        .redirectErrorStream(true)
                        .start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(
                    "ssh-keygen failed: " + new String(p.getInputStream().readAllBytes()));
        }
        List<SshPrivateKey> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(SshPrivateKey.parse(Files.readString(dir.resolve("k" + i))));
        }
        return keys;
    }
}
