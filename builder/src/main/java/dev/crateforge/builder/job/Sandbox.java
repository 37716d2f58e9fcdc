package dev.crateforge.builder.job;

import dev.crateforge.builder.config.SandboxMode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Wraps a build command in bubblewrap ({@code bwrap}), the builder's security boundary.
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

    private static final int PROBE_TIMEOUT_SECONDS = 15;

    /** The host name builds see inside the sandbox, the same on every builder. */
    static final String HOSTNAME = "crateforge";

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
     * The sandbox the mode asks for, checked by running {@code true} inside it: a {@code bwrap}
     * that is installed but cannot create its namespaces (no unprivileged user namespaces, a
     * container without the capability) is as good as none.
     *
     * @param bwrap the bubblewrap executable to use, if any was found
     * @param probeDir an existing writable directory to mount in the probe, like a job directory
     * @throws SandboxUnavailable when the mode wants a sandbox and none works
     */
    public static Sandbox forMode(SandboxMode mode, Optional<Path> bwrap, Path probeDir)
            throws SandboxUnavailable {
        if (mode == SandboxMode.NONE) {
            return none();
        }
        Path executable =
                bwrap.orElseThrow(
                        () ->
                                new SandboxUnavailable(
                                        "bwrap is not installed (Debian package bubblewrap)"));
        Sandbox sandbox = bubblewrap(executable);
        sandbox.probe(probeDir);
        return sandbox;
    }

    /** Runs {@code true} inside the sandbox; throws with bwrap's own words when it fails. */
    void probe(Path probeDir) throws SandboxUnavailable {
        ProcessBuilder builder =
                new ProcessBuilder(wrap(List.of("true"), probeDir, probeDir, List.of(), false));
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        builder.redirectErrorStream(true);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process process = builder.start();
            // wait first: a bwrap that hangs silently must not block a read of its output; what it
            // says on failure is a line or two, far below the pipe's buffer
            if (!process.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                ProcessTree.kill(process.toHandle());
                throw new SandboxUnavailable(
                        bwrap + " did not run `true` within " + PROBE_TIMEOUT_SECONDS + " s");
            }
            String output;
            try (var in = process.getInputStream()) {
                output = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
            }
            if (process.exitValue() != 0) {
                String first = output.isEmpty() ? "no message" : output.lines().findFirst().get();
                throw new SandboxUnavailable(
                        bwrap
                                + " cannot run a command (exit code "
                                + process.exitValue()
                                + ": "
                                + first
                                + ")");
            }
        } catch (IOException e) {
            throw new SandboxUnavailable(bwrap + " cannot be started: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxUnavailable("interrupted while trying " + bwrap);
        }
    }

    /** No sandbox works on this machine, and the operator did not say {@code --sandbox none}. */
    public static final class SandboxUnavailable extends Exception {
        private static final long serialVersionUID = 1L;

        public SandboxUnavailable(String message) {
            super(message);
        }
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
                        "--unshare-uts",
                        // a build script that records the host name records the same one everywhere
                        "--hostname",
                        HOSTNAME));
        if (!allowNetwork) {
            args.add("--unshare-net");
        }
        args.addAll(List.of("--ro-bind", "/usr", "/usr"));
        for (String dir : List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")) {
            args.addAll(List.of("--ro-bind-try", dir, dir));
        }
        // The fresh /tmp first: a toolchain or job directory below /tmp, bound after it, stays
        // visible instead of being hidden by it.
        args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        for (Path dir : readOnly) {
            args.addAll(List.of("--ro-bind", dir.toString(), dir.toString()));
        }
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
