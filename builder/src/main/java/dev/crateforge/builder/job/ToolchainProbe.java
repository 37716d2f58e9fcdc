package dev.crateforge.builder.job;

import dev.crateforge.protocol.contract.TextLimits;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.Toolchain;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks the toolchain who it is ({@code rustc -vV}, {@code cargo -V}) for the provenance statement.
 * The rustc beside the configured cargo is the one cargo uses. A tool that does not answer within
 * the timeout or fails leaves its field empty: provenance then says "unknown" rather than guessing,
 * and the build is not held up. It also finds the toolchain's sysroot, a directory that builds must
 * not leave in their artifacts ({@link StablePaths}).
 */
public final class ToolchainProbe {

    private static final int MAX_RUSTC_BYTES = 4000;
    private static final int MAX_CARGO_BYTES = 1000;
    private static final long TIMEOUT_SECONDS = 30;

    private ToolchainProbe() {}

    public static Toolchain describe(Path cargo) {
        return describe(cargo, Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    /** As {@link #describe(Path)}, giving each tool {@code timeout} to answer. */
    static Toolchain describe(Path cargo, Duration timeout) {
        Path dir = cargo.toAbsolutePath().getParent();
        Path rustc = dir == null ? Path.of("rustc") : dir.resolve("rustc");
        return new Toolchain(
                output(
                        Files.isExecutable(rustc) ? rustc.toString() : "rustc",
                        "-vV",
                        MAX_RUSTC_BYTES,
                        timeout),
                output(cargo.toString(), "-V", MAX_CARGO_BYTES, timeout));
    }

    /**
     * The sysroot of the rustc beside {@code cargo} ({@code rustc --print sysroot}), whose
     * directory builds must not leave in their artifacts; empty when there is no such rustc or it
     * does not answer.
     */
    public static Optional<Path> sysroot(Path cargo) {
        Path dir = cargo.toAbsolutePath().getParent();
        if (dir == null || !Files.isExecutable(dir.resolve("rustc"))) {
            return Optional.empty();
        }
        String answer =
                output(
                        List.of(dir.resolve("rustc").toString(), "--print", "sysroot"),
                        MAX_CARGO_BYTES,
                        Duration.ofSeconds(TIMEOUT_SECONDS));
        String line = answer.strip();
        if (line.isEmpty() || line.contains("\n") || !line.startsWith("/")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(line));
    }

    private static String output(String command, String flag, int maxBytes, Duration timeout) {
        return output(List.of(command, flag), maxBytes, timeout);
    }

    /**
     * The tool's answer. It writes to a file, not a pipe, so that the timeout holds also for a tool
     * that hangs without closing its output (a rustup proxy installing a toolchain, for one).
     */
    private static String output(List<String> command, int maxBytes, Duration timeout) {
        Path answer = null;
        try {
            answer = Files.createTempFile("crateforge-toolchain", ".txt");
            Process process =
                    new ProcessBuilder(command)
                            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                            .redirectOutput(answer.toFile())
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return "";
            }
            if (process.exitValue() != 0) {
                return "";
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(answer)) {
                bytes = in.readNBytes(maxBytes * 2);
            }
            return TextLimits.cutUtf8(new String(bytes, StandardCharsets.UTF_8), maxBytes);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } finally {
            if (answer != null) {
                try {
                    Files.deleteIfExists(answer);
                } catch (IOException e) {
                    // a temp file left behind; nothing depends on it
                }
            }
        }
    }
}
