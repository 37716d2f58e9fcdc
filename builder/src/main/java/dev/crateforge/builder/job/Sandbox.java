package dev.crateforge.builder.job;

import dev.crateforge.builder.config.SandboxMode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Wraps a build command in bubblewrap ({@code bwrap}) when it is wanted and present.
 *
 * <p>Inside, the system directories and the Rust toolchain are mounted read-only, only the job
 * directory is writable, {@code /tmp} is a fresh tmpfs, PID and IPC namespaces are private, the
 * sandbox dies with the builder, and the network namespace is empty unless the operator allows
 * network during builds. A build script therefore cannot read the builder's key (the home directory
 * is not mounted) nor reach the network.
 */
public final class Sandbox {

    /** How bubblewrap starts every message about a failure of its own (before cargo runs). */
    static final String ERROR_PREFIX = "bwrap: ";

    private final Path bwrap;

    private Sandbox(Path bwrap) {
        this.bwrap = bwrap;
    }

    /** No sandbox: commands run as they are. */
    public static Sandbox none() {
        return new Sandbox(null);
    }

    /** A sandbox using the given {@code bwrap} executable. */
    public static Sandbox bubblewrap(Path bwrap) {
        return new Sandbox(bwrap);
    }

    /**
     * The sandbox the mode asks for.
     *
     * @throws IllegalStateException when {@code bwrap} is required but not on the PATH
     */
    public static Sandbox forMode(SandboxMode mode) {
        Optional<Path> found = findOnPath("bwrap");
        return switch (mode) {
            case NONE -> none();
            case AUTO -> found.map(Sandbox::bubblewrap).orElseGet(Sandbox::none);
            case BWRAP ->
                    bubblewrap(
                            found.orElseThrow(
                                    () ->
                                            new IllegalStateException(
                                                    "--sandbox bwrap: bwrap is not on the PATH"
                                                            + " (install the bubblewrap"
                                                            + " package)")));
        };
    }

    public boolean enabled() {
        return bwrap != null;
    }

    /**
     * The command line that runs {@code command} in {@code workDir} inside the sandbox.
     *
     * @param jobDir the only writable directory
     * @param readOnly extra directories to make visible read-only (the toolchain)
     */
    public List<String> wrap(
            List<String> command,
            Path jobDir,
            Path workDir,
            List<Path> readOnly,
            boolean allowNetwork) {
        if (bwrap == null) {
            return command;
        }
        List<String> args = new ArrayList<>();
        args.add(bwrap.toString());
        args.addAll(
                List.of(
                        "--die-with-parent",
                        "--new-session",
                        "--unshare-pid",
                        "--unshare-ipc",
                        "--unshare-uts"));
        if (!allowNetwork) {
            args.add("--unshare-net");
        }
        args.addAll(List.of("--ro-bind", "/usr", "/usr"));
        for (String dir : List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")) {
            args.addAll(List.of("--ro-bind-try", dir, dir));
        }
        for (Path dir : readOnly) {
            args.addAll(List.of("--ro-bind", dir.toString(), dir.toString()));
        }
        args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        args.addAll(List.of("--bind", jobDir.toString(), jobDir.toString()));
        args.addAll(List.of("--chdir", workDir.toString(), "--"));
        args.addAll(command);
        return args;
    }

    /** Looks an executable up on the PATH of this process. */
    public static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
