package dev.crateforge.builder.job;

import dev.crateforge.protocol.contract.TextLimits;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.Toolchain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Asks the toolchain who it is ({@code rustc -vV}, {@code cargo -V}) for the provenance statement.
 * The rustc beside the configured cargo is the one cargo uses. A tool that does not answer within
 * the timeout or fails leaves its field empty: provenance then says "unknown" rather than guessing,
 * and the build is not held up.
 */
public final class ToolchainProbe {

    private static final int MAX_RUSTC_BYTES = 4000;
    private static final int MAX_CARGO_BYTES = 1000;
    private static final long TIMEOUT_SECONDS = 30;

    private ToolchainProbe() {}

    public static Toolchain describe(Path cargo) {
        Path dir = cargo.toAbsolutePath().getParent();
        Path rustc = dir == null ? Path.of("rustc") : dir.resolve("rustc");
        return new Toolchain(
                output(
                        Files.isExecutable(rustc) ? rustc.toString() : "rustc",
                        "-vV",
                        MAX_RUSTC_BYTES),
                output(cargo.toString(), "-V", MAX_CARGO_BYTES));
    }

    private static String output(String command, String flag, int maxBytes) {
        try {
            Process process =
                    new ProcessBuilder(command, flag)
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
            byte[] bytes = process.getInputStream().readNBytes(maxBytes * 2);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "";
            }
            if (process.exitValue() != 0) {
                return "";
            }
            return TextLimits.cutUtf8(new String(bytes, StandardCharsets.UTF_8), maxBytes);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
