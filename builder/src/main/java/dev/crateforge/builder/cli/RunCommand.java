package dev.crateforge.builder.cli;

import dev.crateforge.builder.agent.BuilderAgent;
import dev.crateforge.builder.config.BuilderSettings;
import dev.crateforge.builder.config.JobLimits;
import dev.crateforge.builder.config.KeyFiles;
import dev.crateforge.builder.config.SandboxMode;
import dev.crateforge.builder.console.Console;
import dev.crateforge.builder.job.JobRunner;
import dev.crateforge.builder.job.Sandbox;
import dev.crateforge.protocol.job.Naming;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code crateforge-builder run}: resolves the options into {@link BuilderSettings}, checks what
 * can be checked before connecting (key, cargo, targets, sandbox), then hands over to {@link
 * BuilderAgent} until SIGTERM or a refusal by the gateway.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Connects to the gateway, authenticates with the SSH key and builds the jobs it is"
                    + " given until stopped. SIGTERM or Ctrl-C stops taking jobs and waits up to the"
                    + " grace period for running ones.",
            "Every option may also be set as CRATEFORGE_BUILDER_<OPTION> in the environment or as"
                    + " <option>=<value> in the --config file."
        })
public class RunCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    private final ConfigDefaults defaults;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Properties file with option values (key = long option name without dashes,"
                            + " e.g. gateway=wss://…). Env: CRATEFORGE_BUILDER_CONFIG.")
    Path config;

    @Option(
            names = "--gateway",
            paramLabel = "URL",
            description =
                    "WebSocket URL of the gateway, wss://host/builders/v1 (ws:// only for local"
                            + " runs). Required.")
    String gateway;

    @Option(
            names = "--key",
            paramLabel = "FILE",
            defaultValue = "${sys:user.home}/.ssh/id_ed25519",
            description =
                    "Unencrypted OpenSSH private key whose public half is registered with the"
                            + " gateway. Default: ${DEFAULT-VALUE}")
    Path key;

    @Option(
            names = "--targets",
            paramLabel = "TRIPLE",
            split = ",",
            description =
                    "Target triples this builder offers, comma-separated. Default: the host"
                            + " target of the toolchain (rustc -vV).")
    List<String> targets;

    @Option(
            names = "--slots",
            paramLabel = "N",
            defaultValue = "1",
            description = "Jobs built at the same time (1-64). Default: ${DEFAULT-VALUE}")
    int slots;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            defaultValue = "${sys:user.home}/.cache/crateforge-builder",
            description =
                    "Directory for job directories (sources, CARGO_HOME, target dir), removed after"
                            + " each job. Default: ${DEFAULT-VALUE}")
    Path workDir;

    @Option(
            names = "--cargo",
            paramLabel = "FILE",
            description =
                    "The cargo executable. Default: cargo on the PATH, else ~/.cargo/bin/cargo.")
    Path cargo;

    @Option(
            names = "--sandbox",
            paramLabel = "MODE",
            defaultValue = "auto",
            description =
                    "Run cargo inside bubblewrap: auto or bwrap (the builder refuses to start, exit"
                            + " code 4, when bwrap is missing or cannot run a command) or none"
                            + " (only on a disposable machine: builds can read the key and reach"
                            + " the network). Default: ${DEFAULT-VALUE}")
    SandboxMode sandbox;

    @Option(
            names = "--bwrap",
            paramLabel = "FILE",
            description = "The bubblewrap executable. Default: bwrap on the PATH.")
    Path bwrap;

    @Option(
            names = "--allow-network-during-build",
            description =
                    "Let cargo and build scripts use the network (needed for crates with"
                            + " dependencies unless a vendored registry is configured).")
    boolean allowNetwork;

    @Option(
            names = "--heartbeat-seconds",
            paramLabel = "S",
            defaultValue = "20",
            description =
                    "Interval of heartbeat events of a running job (1-30). Default:"
                            + " ${DEFAULT-VALUE}")
    int heartbeatSeconds;

    @Option(
            names = "--grace-period-seconds",
            paramLabel = "S",
            defaultValue = "300",
            description =
                    "On SIGTERM, how long to let running jobs finish before killing them. Default:"
                            + " ${DEFAULT-VALUE}")
    int gracePeriodSeconds;

    @Option(
            names = "--max-job-seconds",
            paramLabel = "S",
            defaultValue = "7200",
            description =
                    "Upper bound of a job's time budget, whatever the gateway assigns. Default:"
                            + " ${DEFAULT-VALUE}")
    long maxJobSeconds;

    @Option(
            names = "--max-source-bytes",
            paramLabel = "BYTES",
            defaultValue = "67108864",
            description = "Largest .crate download. Default: ${DEFAULT-VALUE}")
    long maxSourceBytes;

    @Option(
            names = "--max-extracted-bytes",
            paramLabel = "BYTES",
            defaultValue = "536870912",
            description = "Largest total size of an extracted crate. Default: ${DEFAULT-VALUE}")
    long maxExtractedBytes;

    @Option(
            names = "--max-entries",
            paramLabel = "N",
            defaultValue = "20000",
            description = "Most entries in a .crate archive. Default: ${DEFAULT-VALUE}")
    int maxEntries;

    @Option(
            names = "--output-bytes",
            paramLabel = "BYTES",
            description =
                    "Build output of a job without a log override, forwarded as log lines; past it"
                            + " the build is stopped and fails with log_limit. Default: 8388608"
                            + " (or --max-output-bytes when that is smaller)")
    Long outputBytes;

    @Option(
            names = "--max-output-bytes",
            paramLabel = "BYTES",
            description =
                    "Most build output any per-crate override may ask for; a larger one is"
                            + " capped. Default: --output-bytes")
    Long maxOutputBytes;

    @Option(
            names = "--memory-bytes",
            paramLabel = "BYTES",
            description =
                    "Memory of a build without a memory override (cgroup memory.max, else"
                            + " RLIMIT_DATA per process); past it the build fails with"
                            + " out_of_memory. Default: 4294967296 (or --max-memory-bytes when"
                            + " that is smaller)")
    Long memoryBytes;

    @Option(
            names = "--max-memory-bytes",
            paramLabel = "BYTES",
            description =
                    "Most memory any per-crate override may ask for; a larger one is capped."
                            + " Default: --memory-bytes")
    Long maxMemoryBytes;

    @Option(
            names = "--cpu-seconds",
            paramLabel = "S",
            description =
                    "CPU time of each build process without a CPU override (RLIMIT_CPU); past it"
                            + " the build fails with timeout. Default: 3600 (or --max-cpu-seconds"
                            + " when that is smaller)")
    Long cpuSeconds;

    @Option(
            names = "--max-cpu-seconds",
            paramLabel = "S",
            description =
                    "Most CPU time any per-crate override may ask for; a larger one is capped."
                            + " Default: --cpu-seconds")
    Long maxCpuSeconds;

    @Option(
            names = "--processes",
            paramLabel = "N",
            description =
                    "Most processes at once of a build without a processes override; past it the"
                            + " build is killed and fails with process_limit. Default: 512 (or"
                            + " --max-processes when that is smaller)")
    Integer processes;

    @Option(
            names = "--max-processes",
            paramLabel = "N",
            description =
                    "Most processes any per-crate override may ask for; a larger number is"
                            + " capped. Default: --processes")
    Integer maxProcesses;

    @Option(
            names = "--disk-bytes",
            paramLabel = "BYTES",
            description =
                    "Most bytes in the job directory (measured during the build) and largest file"
                            + " (RLIMIT_FSIZE) of a build without a disk override; past it the"
                            + " build fails with disk_limit. Default: 17179869184 (or"
                            + " --max-disk-bytes when that is smaller)")
    Long diskBytes;

    @Option(
            names = "--max-disk-bytes",
            paramLabel = "BYTES",
            description =
                    "Most disk any per-crate override may ask for; a larger one is capped."
                            + " Default: --disk-bytes")
    Long maxDiskBytes;

    @Option(
            names = "--no-output-seconds",
            paramLabel = "S",
            description =
                    "Longest a build without a no-output override may print nothing; then it is"
                            + " killed and fails with no_output. Default: 600 (or"
                            + " --max-no-output-seconds when that is smaller)")
    Long noOutputSeconds;

    @Option(
            names = "--max-no-output-seconds",
            paramLabel = "S",
            description =
                    "Longest silence any per-crate override may ask for; a longer one is capped."
                            + " Default: --no-output-seconds")
    Long maxNoOutputSeconds;

    @Option(
            names = "--max-artifact-bytes",
            paramLabel = "BYTES",
            defaultValue = "1073741824",
            description = "Largest artifact. Default: ${DEFAULT-VALUE}")
    long maxArtifactBytes;

    @Option(
            names = "--reconnect-min-delay-ms",
            paramLabel = "MS",
            defaultValue = "1000",
            description =
                    "First reconnect delay; doubles per failure, ±50%% jitter. Default:"
                            + " ${DEFAULT-VALUE}")
    long reconnectMinMs;

    @Option(
            names = "--reconnect-max-delay-ms",
            paramLabel = "MS",
            defaultValue = "60000",
            description = "Largest reconnect delay. Default: ${DEFAULT-VALUE}")
    long reconnectMaxMs;

    @Option(
            names = "--upload-retry-seconds",
            paramLabel = "S",
            defaultValue = "600",
            description =
                    "How long an artifact upload is retried (1 s doubling to 60 s, ±50%% jitter)"
                            + " while the artifact service is unavailable, before the attempt fails"
                            + " as infrastructure; never past the attempt's time budget. Default:"
                            + " ${DEFAULT-VALUE}")
    long uploadRetrySeconds;

    @Option(
            names = "--keep-work-dirs",
            description = "Keep job directories after the job, for debugging a build.")
    boolean keepWorkDirs;

    public RunCommand(ConfigDefaults defaults) {
        this.defaults = defaults;
    }

    @Override
    public Integer call() throws InterruptedException {
        Console console = Console.system();
        BuilderSettings settings;
        SshPrivateKey privateKey;
        Sandbox sandboxRunner;
        try {
            defaults.loadError()
                    .ifPresent(
                            error -> {
                                throw new IllegalArgumentException(error);
                            });
            privateKey = KeyFiles.load(key);
            KeyFiles.permissionWarning(key).ifPresent(console::warn);
            settings = settings();
        } catch (IllegalArgumentException | IllegalStateException e) {
            spec.commandLine().getErr().println("crateforge-builder: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        try {
            sandboxRunner =
                    Sandbox.forMode(
                            settings.sandbox(),
                            bwrap != null ? Optional.of(bwrap) : Sandbox.findOnPath("bwrap"),
                            settings.workDir());
        } catch (Sandbox.SandboxUnavailable e) {
            spec.commandLine()
                    .getErr()
                    .println(
                            "crateforge-builder: no working sandbox: "
                                    + e.getMessage()
                                    + "; install bubblewrap, or pass --sandbox none on a"
                                    + " disposable machine");
            return ExitCodes.NO_SANDBOX;
        }
        if (!sandboxRunner.enabled()) {
            console.warn(
                    "SANDBOX DISABLED (--sandbox none): build scripts run with this user's rights,"
                            + " can read the builder's key and reach the network; the gateway and"
                            + " every provenance are told");
        }
        console.info(
                "builder "
                        + privateKey.publicKey().fingerprint()
                        + " for "
                        + String.join(",", settings.targets())
                        + ", "
                        + settings.slots()
                        + " slot(s), cargo "
                        + settings.cargo()
                        + (sandboxRunner.enabled() ? ", sandboxed with bwrap" : "")
                        + (settings.allowNetwork() ? ", network allowed during builds" : ""));

        HttpClient sourceClient =
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(15))
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
        // never follow redirects with the job token or on the WebSocket
        HttpClient gatewayClient =
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(15))
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
        JobRunner runner =
                JobRunner.create(
                        settings, sourceClient, gatewayClient, sandboxRunner, console::error);
        if (runner.processLimits().enforced()) {
            console.info("limits: " + runner.processLimits().describe());
        } else {
            console.warn("limits: " + runner.processLimits().describe());
        }
        BuilderAgent agent =
                new BuilderAgent(
                        settings,
                        privateKey,
                        runner,
                        console,
                        gatewayClient,
                        BuilderCommand.agent(sandboxRunner.enabled()));
        Thread drain = new Thread(() -> agent.drain(settings.gracePeriod()), "drain");
        Runtime.getRuntime().addShutdownHook(drain);
        int exit = agent.run();
        return exit == BuilderAgent.EXIT_REFUSED ? ExitCodes.REFUSED : ExitCodes.OK;
    }

    private BuilderSettings settings() {
        URI gatewayUrl = gatewayUrl();
        Path cargoPath = cargo != null ? cargo : findCargo();
        if (!Files.isExecutable(cargoPath)) {
            throw new IllegalArgumentException("cargo not found or not executable: " + cargoPath);
        }
        List<String> offered =
                targets == null || targets.isEmpty() ? List.of(hostTarget(cargoPath)) : targets;
        for (String target : offered) {
            if (!Naming.isTarget(target)) {
                throw new IllegalArgumentException("--targets: not a target triple: " + target);
            }
        }
        if (offered.size() > 32) {
            throw new IllegalArgumentException("--targets: at most 32 targets");
        }
        require(slots >= 1 && slots <= 64, "--slots must be between 1 and 64");
        require(
                heartbeatSeconds >= 1 && heartbeatSeconds <= 30,
                "--heartbeat-seconds must be between 1 and 30");
        require(gracePeriodSeconds >= 0, "--grace-period-seconds must not be negative");
        require(
                reconnectMinMs >= 1 && reconnectMaxMs >= reconnectMinMs,
                "--reconnect-min-delay-ms must be ≥ 1 and ≤ --reconnect-max-delay-ms");
        require(uploadRetrySeconds >= 0, "--upload-retry-seconds must not be negative");
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create --work-dir " + workDir + ": " + e);
        }
        return new BuilderSettings(
                gatewayUrl,
                offered,
                slots,
                workDir.toAbsolutePath(),
                cargoPath.toAbsolutePath(),
                sandbox,
                allowNetwork,
                jobLimits(),
                Duration.ofSeconds(heartbeatSeconds),
                Duration.ofSeconds(gracePeriodSeconds),
                Duration.ofMillis(reconnectMinMs),
                Duration.ofMillis(reconnectMaxMs),
                Duration.ofSeconds(uploadRetrySeconds),
                keepWorkDirs);
    }

    /**
     * The limits of jobs: each build limit as a default and a maximum. A default not given is the
     * built-in one, lowered to the maximum when only a smaller maximum is given (as the one option
     * per limit was before the split); a maximum not given is the default.
     */
    private JobLimits jobLimits() {
        JobLimits builtIn = JobLimits.defaults();
        BuildLimit memory =
                BuildLimit.of(
                        "memory-bytes",
                        memoryBytes,
                        maxMemoryBytes,
                        builtIn.memoryBytes(),
                        64L << 20,
                        "64 MiB");
        BuildLimit cpu =
                BuildLimit.of(
                        "cpu-seconds",
                        cpuSeconds,
                        maxCpuSeconds,
                        builtIn.cpuTime().toSeconds(),
                        1,
                        "1");
        BuildLimit procs =
                BuildLimit.of(
                        "processes",
                        processes == null ? null : processes.longValue(),
                        maxProcesses == null ? null : maxProcesses.longValue(),
                        builtIn.maxProcesses(),
                        8,
                        "8");
        BuildLimit disk =
                BuildLimit.of(
                        "disk-bytes",
                        diskBytes,
                        maxDiskBytes,
                        builtIn.maxDiskBytes(),
                        1L << 20,
                        "1 MiB");
        BuildLimit output =
                BuildLimit.of(
                        "output-bytes",
                        outputBytes,
                        maxOutputBytes,
                        builtIn.maxOutputBytes(),
                        1024,
                        "1024");
        BuildLimit silence =
                BuildLimit.of(
                        "no-output-seconds",
                        noOutputSeconds,
                        maxNoOutputSeconds,
                        builtIn.noOutputTime().toSeconds(),
                        1,
                        "1");
        return new JobLimits(
                maxSourceBytes,
                maxExtractedBytes,
                maxEntries,
                output.dflt(),
                maxArtifactBytes,
                Duration.ofSeconds(maxJobSeconds),
                memory.dflt(),
                Duration.ofSeconds(cpu.dflt()),
                (int) procs.dflt(),
                disk.dflt(),
                Duration.ofSeconds(silence.dflt()),
                new JobLimits.BuildLimits(
                        memory.maximum(),
                        Duration.ofSeconds(cpu.maximum()),
                        (int) procs.maximum(),
                        disk.maximum(),
                        output.maximum(),
                        Duration.ofSeconds(silence.maximum())));
    }

    private URI gatewayUrl() {
        if (gateway == null || gateway.isBlank()) {
            throw new IllegalArgumentException(
                    "missing --gateway (or CRATEFORGE_BUILDER_GATEWAY, or gateway= in the config"
                            + " file)");
        }
        URI uri;
        try {
            uri = URI.create(gateway.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--gateway is not a URL: " + gateway);
        }
        if (!"wss".equals(uri.getScheme()) && !"ws".equals(uri.getScheme())
                || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "--gateway must be a wss:// (or, locally, ws://) URL such as"
                            + " wss://gateway.example/builders/v1");
        }
        return uri;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** cargo on the PATH, else where rustup installs it. */
    static Path findCargo() {
        Optional<Path> onPath = Sandbox.findOnPath("cargo");
        return onPath.orElse(Path.of(System.getProperty("user.home"), ".cargo", "bin", "cargo"));
    }

    /** The host triple of the toolchain, from {@code rustc -vV} next to cargo. */
    private static String hostTarget(Path cargoPath) {
        Path rustc = cargoPath.toAbsolutePath().getParent().resolve("rustc");
        try {
            Process process =
                    new ProcessBuilder(rustc.toString(), "-vV").redirectErrorStream(true).start();
            String output =
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) {
                for (String line : output.split("\n")) {
                    if (line.startsWith("host: ")) {
                        return line.substring("host: ".length()).trim();
                    }
                }
            }
        } catch (IOException e) {
            // fall through to the error below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalArgumentException(
                "cannot find the host target with " + rustc + " -vV; pass --targets");
    }
}
