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
        Optional<Path> bwrap = find("bwrap");
        if (bwrap.isEmpty()) {
            System.err.println(
                    "SKIPPED: bwrap is not on the PATH (Debian package bubblewrap); the sandbox"
                            + " build test did not run");
        }
        assumeTrue(bwrap.isPresent(), "bwrap is not installed");
        return bwrap.get();
    }

    /** ssh-keygen, or the calling test is skipped. */
    public static Path sshKeygenOrSkip() {
        Optional<Path> keygen = find("ssh-keygen");
        if (keygen.isEmpty()) {
            System.err.println(
                    "SKIPPED: ssh-keygen is not on the PATH; the interop check did not run");
        }
        assumeTrue(keygen.isPresent(), "ssh-keygen is not installed");
        return keygen.get();
    }
}
