package dev.crateforge.builder.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crateforge.builder.config.JobLimits;
import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.message.LogStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs cargo for one job: {@code cargo metadata} for the {@code metadata} kind, {@code cargo build
 * --release} for {@code binary}.
 *
 * <p>Each job gets its own {@code CARGO_HOME}, {@code CARGO_TARGET_DIR} and {@code HOME} under the
 * job directory, and an environment built from nothing, so that no secret of the builder's own
 * environment (tokens, cloud credentials) is visible to a build script. Without network, {@code
 * CARGO_NET_OFFLINE=true} makes a crate with dependencies fail with cargo's own clear message
 * instead of a network timeout.
 *
 * <p>Builds are made reproducible without changing what is built: {@code SOURCE_DATE_EPOCH} and
 * {@code TZ=UTC} in the environment, and the job's directories remapped to stable names ({@link
 * StablePaths}) through {@code --config build.rustflags}, which cargo joins with any rustflags the
 * crate's own configuration sets (the {@code RUSTFLAGS} variables would replace them).
 */
public final class CargoRunner {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path cargo;
    private final Sandbox sandbox;
    private final boolean allowNetwork;
    private final JobLimits limits;
    private final ProcessLimits processLimits;
    private final Sysroot sysroot;

    public CargoRunner(
            Path cargo,
            Sandbox sandbox,
            boolean allowNetwork,
            JobLimits limits,
            ProcessLimits processLimits) {
        this(cargo, sandbox, allowNetwork, limits, processLimits, new Sysroot(cargo));
    }

    private CargoRunner(
            Path cargo,
            Sandbox sandbox,
            boolean allowNetwork,
            JobLimits limits,
            ProcessLimits processLimits,
            Sysroot sysroot) {
        this.cargo = cargo;
        this.sandbox = sandbox;
        this.allowNetwork = allowNetwork;
        this.limits = limits;
        this.processLimits = processLimits;
        this.sysroot = sysroot;
    }

    /** The same runner for one job with limits of its own. */
    public CargoRunner withLimits(JobLimits jobLimits) {
        return new CargoRunner(cargo, sandbox, allowNetwork, jobLimits, processLimits, sysroot);
    }

    /**
     * The stable names of a job's directories: the job directory, the extracted sources (the crate
     * directory's parent), the job's {@code CARGO_HOME} and the toolchain's sysroot.
     */
    StablePaths stablePaths(Path crateDir, Path jobDir) {
        return StablePaths.of(jobDir, crateDir.getParent(), cargoHome(jobDir), sysroot.get());
    }

    /** The toolchain's sysroot, asked of the rustc beside cargo once per builder process. */
    private static final class Sysroot {
        private final Path cargo;
        private Optional<Path> value;

        Sysroot(Path cargo) {
            this.cargo = cargo;
        }

        synchronized Optional<Path> get() {
            if (value == null) {
                value = ToolchainProbe.sysroot(cargo);
            }
            return value;
        }
    }

    /** Which kernel mechanism bounds the memory, CPU time and file size of builds. */
    public ProcessLimits processLimits() {
        return processLimits;
    }

    /** True when builds run inside the bubblewrap sandbox. */
    public boolean sandboxed() {
        return sandbox.enabled();
    }

    /** The cargo executable builds run with. */
    public Path cargo() {
        return cargo;
    }

    /**
     * How a cargo process ended: its exit code, the first line it wrote to stderr, and what its
     * output said about a kernel limit that stopped one of its processes.
     */
    private record Exit(int code, String firstErrorLine, Optional<JobFailure> kernelLimit) {}

    /**
     * Writes {@code cargo metadata --format-version 1 --no-deps} of the crate to {@code output},
     * with the paths of the job directory replaced by their stable names ({@link MetadataPaths}),
     * so that every builder produces the same bytes for the same crate.
     *
     * @param sourceDateEpoch the job's {@code SOURCE_DATE_EPOCH}, in seconds
     */
    public void metadata(
            Path crateDir,
            Path jobDir,
            Path output,
            long sourceDateEpoch,
            Instant deadline,
            JobReporter reporter,
            JobControl control)
            throws JobFailure, JobAbandoned, InterruptedException {
        List<String> args = List.of("metadata", "--format-version", "1", "--no-deps");
        Exit exit =
                run(args, crateDir, jobDir, output, sourceDateEpoch, deadline, reporter, control);
        requireSuccess("cargo metadata", exit);
        MetadataPaths.stabilise(output, stablePaths(crateDir, jobDir));
        try {
            if (Files.size(output) > limits.maxArtifactBytes()) {
                throw new JobFailure(
                        FailureCode.ARTIFACT_TOO_LARGE,
                        "cargo metadata output is larger than the artifact limit of "
                                + limits.maxArtifactBytes()
                                + " bytes");
            }
        } catch (IOException e) {
            throw new JobFailure(
                    FailureCode.INFRASTRUCTURE,
                    "cannot read cargo metadata output: " + JobFailure.describe(e),
                    e);
        }
    }

    /**
     * Runs {@code cargo build --release --target <target>} ({@code --locked} when the crate has a
     * {@code Cargo.lock}), with the job's directories remapped to their stable names.
     *
     * @param sourceDateEpoch the job's {@code SOURCE_DATE_EPOCH}, in seconds
     * @return the directory with the release binaries
     */
    public Path build(
            Path crateDir,
            Path jobDir,
            String target,
            long sourceDateEpoch,
            Instant deadline,
            JobReporter reporter,
            JobControl control)
            throws JobFailure, JobAbandoned, InterruptedException {
        List<String> args = new ArrayList<>(List.of("build", "--release", "--target", target));
        if (Files.isRegularFile(crateDir.resolve("Cargo.lock"))) {
            args.add("--locked");
        }
        args.add("--config");
        args.add("build.rustflags=" + tomlArray(stablePaths(crateDir, jobDir).remapFlags()));
        Exit exit = run(args, crateDir, jobDir, null, sourceDateEpoch, deadline, reporter, control);
        requireSuccess("cargo build", exit);
        return targetDir(jobDir).resolve(target).resolve("release");
    }

    /**
     * A non-zero exit is the crate's compile error, unless bubblewrap itself failed to set up the
     * sandbox (it then exits 1 before cargo runs, with a message starting {@code bwrap: }): that is
     * this machine's fault, not the crate's.
     */
    private void requireSuccess(String what, Exit exit) throws JobFailure {
        if (exit.code() == 0) {
            return;
        }
        if (exit.kernelLimit().isPresent()) {
            throw exit.kernelLimit().get();
        }
        if (sandbox.enabled()
                && exit.firstErrorLine() != null
                && exit.firstErrorLine().startsWith(Sandbox.ERROR_PREFIX)) {
            throw new JobFailure(
                    FailureCode.SANDBOX_ERROR,
                    "the sandbox could not start: " + exit.firstErrorLine());
        }
        throw new JobFailure(
                FailureCode.COMPILE_ERROR, what + " failed with exit code " + exit.code());
    }

    /** A TOML array of basic strings, for a {@code --config KEY=VALUE} of cargo. */
    static String tomlArray(List<String> values) {
        StringBuilder toml = new StringBuilder("[");
        for (String value : values) {
            if (toml.length() > 1) {
                toml.append(", ");
            }
            toml.append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '"' || c == '\\') {
                    toml.append('\\').append(c);
                } else if (c < 0x20 || c == 0x7f) {
                    toml.append(String.format("\\u%04x", (int) c));
                } else {
                    toml.append(c);
                }
            }
            toml.append('"');
        }
        return toml.append(']').toString();
    }

    /** The names of the crate's binary targets, from {@code cargo metadata} JSON. */
    public static List<String> binaryNames(Path metadataJson) throws JobFailure {
        List<String> names = new ArrayList<>();
        try {
            JsonNode root = JSON.readTree(metadataJson.toFile());
            for (JsonNode pkg : root.path("packages")) {
                for (JsonNode target : pkg.path("targets")) {
                    for (JsonNode kind : target.path("kind")) {
                        if (kind.asText().equals("bin")) {
                            names.add(target.path("name").asText());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new JobFailure(
                    FailureCode.INFRASTRUCTURE,
                    "cannot read cargo metadata output: " + JobFailure.describe(e),
                    e);
        }
        return names;
    }

    private Exit run(
            List<String> args,
            Path crateDir,
            Path jobDir,
            Path stdoutFile,
            long sourceDateEpoch,
            Instant deadline,
            JobReporter reporter,
            JobControl control)
            throws JobFailure, JobAbandoned, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(cargo.toString());
        command.addAll(args);
        reporter.log(LogStream.BUILDER, "$ cargo " + String.join(" ", args));
        Map<String, String> env;
        try {
            env = environment(jobDir, sourceDateEpoch);
        } catch (IOException e) {
            throw new JobFailure(
                    FailureCode.INFRASTRUCTURE,
                    "cannot prepare the build environment: " + JobFailure.describe(e),
                    e);
        }
        ProcessLimits.Prepared prepared;
        try {
            prepared =
                    processLimits.prepare(
                            sandbox.wrap(command, jobDir, crateDir, toolchainDirs(), allowNetwork),
                            limits);
        } catch (IOException e) {
            throw new JobFailure(
                    FailureCode.INFRASTRUCTURE,
                    "cannot set up the build's cgroup: " + JobFailure.describe(e),
                    e);
        }
        try {
            return run(prepared, crateDir, jobDir, stdoutFile, deadline, reporter, control, env);
        } finally {
            prepared.leaf().ifPresent(CgroupV2.Leaf::close);
        }
    }

    private Exit run(
            ProcessLimits.Prepared prepared,
            Path crateDir,
            Path jobDir,
            Path stdoutFile,
            Instant deadline,
            JobReporter reporter,
            JobControl control,
            Map<String, String> env)
            throws JobFailure, JobAbandoned, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(prepared.command());
        builder.directory(crateDir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.from(devNull()));
        if (stdoutFile != null) {
            builder.redirectOutput(stdoutFile.toFile());
        }
        control.checkNotCancelled();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw sandbox.enabled()
                    ? new JobFailure(
                            FailureCode.SANDBOX_ERROR,
                            "cannot start the sandbox: " + JobFailure.describe(e),
                            e)
                    : new JobFailure(
                            FailureCode.INFRASTRUCTURE,
                            "cannot start cargo: " + JobFailure.describe(e),
                            e);
        }
        control.started(process);
        long maxOutputBytes = limits.maxOutputBytes();
        AtomicLong budget = new AtomicLong(maxOutputBytes);
        BuildWatch watch =
                new BuildWatch(
                                process,
                                jobDir,
                                limits.maxDiskBytes(),
                                limits.maxProcesses(),
                                limits.noOutputTime())
                        .start();
        List<Thread> pumps = new ArrayList<>();
        if (stdoutFile == null) {
            pumps.add(
                    pump(
                            new OutputPump(
                                    process.getInputStream(),
                                    LogStream.STDOUT,
                                    reporter,
                                    budget,
                                    maxOutputBytes,
                                    watch)));
        }
        OutputPump stderr =
                new OutputPump(
                        process.getErrorStream(),
                        LogStream.STDERR,
                        reporter,
                        budget,
                        maxOutputBytes,
                        watch);
        pumps.add(pump(stderr));
        try {
            long millis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            boolean ended = process.waitFor(millis, TimeUnit.MILLISECONDS);
            if (!ended) {
                ProcessTree.kill(process.toHandle());
            }
            for (Thread pump : pumps) {
                // a background grandchild may hold the pipe open; do not wait for it forever
                pump.join(5_000);
            }
            control.checkNotCancelled();
            if (watch.tripped().isPresent()) {
                throw watch.tripped().get();
            }
            if (!ended) {
                throw new JobFailure(
                        FailureCode.TIMEOUT, "build timed out: the job's time budget ran out");
            }
            Optional<JobFailure> kernelLimit =
                    prepared.leaf().flatMap(CgroupV2.Leaf::limitHit).or(watch::kernelLimitSign);
            return new Exit(process.exitValue(), stderr.firstLine(), kernelLimit);
        } catch (InterruptedException e) {
            ProcessTree.kill(process.toHandle());
            control.checkNotCancelled();
            throw e;
        } finally {
            watch.close();
            control.finished();
            if (process.isAlive()) {
                ProcessTree.kill(process.toHandle());
            }
        }
    }

    private static Thread pump(OutputPump pump) {
        Thread thread = new Thread(pump, "cargo-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * The whole environment of a cargo process; nothing is inherited but the toolchain location.
     * {@code SOURCE_DATE_EPOCH} and {@code TZ} are fixed so that a build script that stamps a date
     * stamps the same one on every builder.
     */
    Map<String, String> environment(Path jobDir, long sourceDateEpoch) throws IOException {
        Path home = Files.createDirectories(jobDir.resolve("home"));
        Path cargoHome = Files.createDirectories(cargoHome(jobDir));
        Map<String, String> env = new java.util.LinkedHashMap<>();
        Path cargoDir = cargo.toAbsolutePath().getParent();
        env.put("PATH", cargoDir + ":/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("CARGO_HOME", cargoHome.toString());
        env.put("CARGO_TARGET_DIR", targetDir(jobDir).toString());
        env.put("CARGO_TERM_COLOR", "never");
        env.put("TERM", "dumb");
        env.put("LANG", "C.UTF-8");
        env.put("TZ", "UTC");
        env.put("SOURCE_DATE_EPOCH", Long.toString(sourceDateEpoch));
        rustupHome().ifPresent(dir -> env.put("RUSTUP_HOME", dir.toString()));
        String toolchain = System.getenv("RUSTUP_TOOLCHAIN");
        if (toolchain != null) {
            env.put("RUSTUP_TOOLCHAIN", toolchain);
        }
        if (!allowNetwork) {
            env.put("CARGO_NET_OFFLINE", "true");
        }
        return env;
    }

    private List<Path> toolchainDirs() {
        List<Path> dirs = new ArrayList<>();
        dirs.add(cargo.toAbsolutePath().getParent());
        rustupHome().ifPresent(dirs::add);
        return dirs;
    }

    /** rustup finds its toolchains here; the real one, since HOME is replaced per job. */
    private static java.util.Optional<Path> rustupHome() {
        String fromEnv = System.getenv("RUSTUP_HOME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return java.util.Optional.of(Path.of(fromEnv));
        }
        Path dflt = Path.of(System.getProperty("user.home"), ".rustup");
        return Files.isDirectory(dflt) ? java.util.Optional.of(dflt) : java.util.Optional.empty();
    }

    private static Path cargoHome(Path jobDir) {
        return jobDir.resolve("cargo-home");
    }

    private static Path targetDir(Path jobDir) {
        return jobDir.resolve("target");
    }

    private static java.io.File devNull() {
        return new java.io.File("/dev/null");
    }
}
