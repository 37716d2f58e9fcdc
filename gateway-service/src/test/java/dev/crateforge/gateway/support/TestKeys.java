package dev.crateforge.gateway.support;

import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The SSH keys under src/test/resources/ssh (made with ssh-keygen 9.2). */
public final class TestKeys {

    private TestKeys() {}

    public static String text(String resource) {
        try (InputStream in =
                TestKeys.class.getClassLoader().getResourceAsStream("ssh/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource ssh/" + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String publicLine(String name) {
        return text(name + ".pub").strip();
    }

    /** The fingerprint ssh-keygen -lf printed for the key. */
    public static String fingerprint(String name) {
        return text(name + ".fp").strip();
    }

    public static SshPrivateKey privateKey(String name) {
        try {
            return SshPrivateKey.parse(text(name));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key file copied to a 0600 file, as ssh-keygen insists. */
    public static Path privateKeyFile(String name, Path dir) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text(name));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve(name + ".pub"), text(name + ".pub"));
        return file;
    }
}
