package dev.crateforge.builder.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the real tools some tests need and skips those tests LOUDLY (on stderr, and as a skipped
 * test in the report) where a tool is missing. CI has them all.
 */
public final class Tools {

    private Tools() {}

    public static Optional<Path> find(String name, Path... fallbacks) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        for (Path fallback : fallbacks) {
            if (Files.isExecutable(fallback)) {
                return Optional.of(fallback);
            }
        }
        return Optional.empty();
    }

    /** cargo on the PATH or in ~/.cargo/bin, or the calling test is skipped. */
    public static Path cargoOrSkip() {
        Optional<Path> cargo =
                find("cargo", Path.of(System.getProperty("user.home"), ".cargo", "bin", "cargo"));
        if (cargo.isEmpty()) {
            System.err.println(
                    "SKIPPED: cargo is not on the PATH nor in ~/.cargo/bin; the real-build tests"
                            + " did not run");
        }
        assumeTrue(cargo.isPresent(), "cargo is not installed");
        return cargo.get();
    }

    /** bwrap, or the calling test is skipped. */
    public static Path bwrapOrSkip() {
        return onPathOrSkip(
                "bwrap",
                "bwrap is not on the PATH (Debian package bubblewrap); the sandbox build test did"
                        + " not run");
    }

    /** strings (binutils), or the calling test is skipped. */
    public static Path stringsOrSkip() {
        return onPathOrSkip(
                "strings",
                "strings is not on the PATH (Debian package binutils); the check for leftover"
                        + " paths in a built binary did not run");
    }

    /** ssh-keygen, or the calling test is skipped. */
    public static Path sshKeygenOrSkip() {
        return onPathOrSkip(
                "ssh-keygen", "ssh-keygen is not on the PATH; the interop check did not run");
    }

    private static Path onPathOrSkip(String name, String whatIsMissed) {
        Optional<Path> tool = find(name);
        if (tool.isEmpty()) {
            System.err.println("SKIPPED: " + whatIsMissed);
        }
        assumeTrue(tool.isPresent(), name + " is not installed");
        return tool.get();
    }
}
