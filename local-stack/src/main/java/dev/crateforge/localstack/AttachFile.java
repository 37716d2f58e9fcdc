package dev.crateforge.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The file through which a running {@link LocalStack} tells other JVMs where its servers are.
 *
 * <p>{@code .ci/run} (or a developer) starts one stack, points {@code CRATEFORGE_LOCAL_STACK} at
 * this file, and every test JVM of the build attaches instead of starting its own servers.
 */
public final class AttachFile {

    /** System property or environment variable naming the attach file to use. */
    public static final String VARIABLE = "CRATEFORGE_LOCAL_STACK";

    private AttachFile() {}

    /** The file named by the system property, else the environment variable, else null. */
    public static Path configured() {
        String value = System.getProperty(VARIABLE);
        if (value == null || value.isBlank()) {
            value = System.getenv(VARIABLE);
        }
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    /** Writes atomically, so that a reader never sees half a file. */
    public static void write(Path file, StackAddresses addresses) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".local-stack", ".tmp");
            try (Writer out = Files.newBufferedWriter(temp)) {
                addresses
                        .toProperties()
                        .store(out, "CrateForge local stack; deleted when it stops");
            }
            Files.move(
                    temp,
                    file,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the attach file " + file, e);
        }
    }

    public static StackAddresses read(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the attach file " + file, e);
        }
        return StackAddresses.fromProperties(p);
    }
}
