package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.builder.config.JobLimits;
import dev.crateforge.builder.support.HttpFixture;
import dev.crateforge.builder.support.RecordingReporter;
import dev.crateforge.builder.support.TestCrates;
import dev.crateforge.builder.support.Tools;
import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobLimitsOverride;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.LogStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crates that attack the builder, built for real with cargo inside bubblewrap under small limits so
 * that each case ends in seconds. Each must end with its own typed failure (or, for the thief, find
 * nothing to steal), and the same builder must then build an ordinary crate as usual.
 */
class HostileCrateTests {

    private static final long MEMORY = 512L << 20;
    private static final Duration CPU = Duration.ofSeconds(120);
    private static final int PROCESSES = 64;
    private static final long DISK = 256L << 20;
    private static final long LOG = 1L << 20;
    private static final Duration SILENCE = Duration.ofSeconds(60);

    @TempDir Path temp;

    private HttpFixture http;
    private final HttpClient client = HttpClient.newHttpClient();
    private Path cargo;
    private Path bwrap;

    @BeforeEach
    void start() throws Exception {
        cargo = Tools.cargoOrSkip();
        bwrap = Tools.bwrapOrSkip();
        http = new HttpFixture();
    }

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
    }

    /** Build scripts that exceed a limit, each with the code and the words it must end with. */
    static Stream<Arguments> limitBreakers() {
        String outDir =
                "let out = std::path::PathBuf::from(std::env::var(\"OUT_DIR\").unwrap());"
                        + " let chunk = vec![7u8; 1 << 20];";
        return Stream.of(
                Arguments.of(
                        "hungry",
                        "let mut v: Vec<Vec<u8>> = Vec::new();"
                                + " loop { v.push(vec![1u8; 1 << 20]); }",
                        FailureCode.OUT_OF_MEMORY,
                        "memory allocation of"),
                Arguments.of(
                        "spawner",
                        "loop { std::process::Command::new(\"sleep\").arg(\"600\").spawn(); }",
                        FailureCode.PROCESS_LIMIT,
                        "the build ran more than " + PROCESSES + " processes at once"),
                Arguments.of(
                        "filler",
                        outDir
                                + " for i in 0.. {"
                                + " std::fs::write(out.join(format!(\"f{i}\")), &chunk).unwrap(); }",
                        FailureCode.DISK_LIMIT,
                        "the job directory grew past the disk limit of " + DISK + " bytes"),
                // RLIMIT_FSIZE (SIGXFSZ) or the watch, whichever is first: both say disk_limit
                Arguments.of(
                        "bigfile",
                        outDir
                                + " let mut f = std::fs::File::create(out.join(\"big\")).unwrap();"
                                + " loop { f.write_all(&chunk).unwrap(); }",
                        FailureCode.DISK_LIMIT,
                        "disk limit"));
    }

    @ParameterizedTest(name = "{0} → {2}")
    @MethodSource("limitBreakers")
    void aBuildScriptPastALimitEndsWithThatLimitsCodeAndTheNextJobBuilds(
            String name, String buildScript, FailureCode code, String reason) throws Exception {
        JobRunner runner = runner(limits());

        JobOutcome outcome = runHostile(runner, name, buildScript);

        assertThat(outcome.failureCode()).as(outcome.failureReason()).isEqualTo(code);
        assertThat(outcome.failureReason()).contains(reason);
        buildsAnOrdinaryCrateNext(runner);
    }

    @Test
    void aBuildPrintingAHundredMegabytesFailsWithLogLimitAndItsLogIsCapped() throws Exception {
        JobRunner runner = runner(limits());
        RecordingReporter reporter = new RecordingReporter();

        JobOutcome outcome =
                runHostile(
                        runner,
                        "chatty",
                        "let line = \"x\".repeat(100);"
                                + " for _ in 0..1_000_000 {"
                                + " println!(\"cargo:warning={line}\"); }",
                        reporter);

        assertThat(outcome.failureCode()).isEqualTo(FailureCode.LOG_LIMIT);
        long forwarded =
                reporter.lines.stream()
                        .filter(l -> !l.startsWith(LogStream.BUILDER.wireName() + ": "))
                        .mapToLong(
                                l ->
                                        l.substring("stderr: ".length())
                                                        .getBytes(StandardCharsets.UTF_8)
                                                        .length
                                                + 1L)
                        .sum();
        assertThat(forwarded).isLessThanOrEqualTo(LOG);
        assertThat(reporter.log())
                .contains("output past " + LOG + " bytes: the build is stopped (log_limit)");
        buildsAnOrdinaryCrateNext(runner);
    }

    @Test
    void aBuildThatStaysSilentFailsWithNoOutput() throws Exception {
        Duration silence = Duration.ofSeconds(4);
        JobRunner runner =
                runner(
                        JobLimits.defaults()
                                .withBuildLimits(MEMORY, CPU, PROCESSES, DISK, LOG, silence));

        JobOutcome outcome =
                runHostile(
                        runner,
                        "silent",
                        "std::thread::sleep(std::time::Duration::from_secs(600));");

        assertThat(outcome.failureCode()).isEqualTo(FailureCode.NO_OUTPUT);
        assertThat(outcome.failureReason()).isEqualTo("the build printed nothing for 4 s");
        buildsAnOrdinaryCrateNext(runner);
    }

    @Test
    void anOperatorsOverrideAppliesToItsJobOnlyAndNeverPastTheBuildersMaximum() throws Exception {
        JobRunner runner = runner(limits());
        RecordingReporter reporter = new RecordingReporter();
        JobAssignment job =
                TestJobs.job(
                                http,
                                "hushed",
                                "1.0.0",
                                TestCrates.withBuildScript(
                                        "hushed",
                                        "1.0.0",
                                        "std::thread::sleep(std::time::Duration::from_secs(600));"),
                                ArtifactKind.BINARY)
                        .withLimits(new JobLimitsOverride(MEMORY * 4, null, null, null, null, 3L));

        JobOutcome outcome = runner.run(job, reporter, new JobControl());

        assertThat(outcome.failureCode()).as(reporter.log()).isEqualTo(FailureCode.NO_OUTPUT);
        assertThat(outcome.failureReason()).isEqualTo("the build printed nothing for 3 s");
        assertThat(reporter.log())
                .contains(
                        "limit override memoryBytes="
                                + MEMORY * 4
                                + " is above this builder's maximum; capped at "
                                + MEMORY);
        assertThat(runner.limitsFor(job).describe())
                .containsEntry("noOutputSeconds", 3L)
                .containsEntry("maxMemoryBytes", MEMORY);
        buildsAnOrdinaryCrateNext(runner);
    }

    @Test
    void aBuildScriptCannotReadOrChangeTheBuildersKeyNorReachTheNetwork() throws Exception {
        byte[] keyBytes =
                "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n"
                        .getBytes(StandardCharsets.UTF_8);
        Path key =
                Files.write(
                        Files.createDirectories(temp.resolve("home/.ssh")).resolve("id_ed25519"),
                        keyBytes);
        JobRunner runner = runner(limits());
        String k = key.toString();

        RecordingReporter reporter = new RecordingReporter();
        String thief =
                "let mut got = Vec::new();"
                        + " if std::fs::read(\""
                        + k
                        + "\").is_ok() { got.push(\"read the key\"); }"
                        + " if std::fs::write(\""
                        + k
                        + "\", b\"stolen\").is_ok() { got.push(\"wrote the key\"); }"
                        + " if std::fs::remove_file(\""
                        + k
                        + "\").is_ok() { got.push(\"removed the key\"); }"
                        + " if std::path::Path::new(\""
                        + key.getParent()
                        + "\").exists() { got.push(\"saw the key's directory\"); }"
                        + " if std::net::TcpStream::connect(\"127.0.0.1:"
                        + http.port()
                        + "\").is_ok() { got.push(\"reached the network\"); }"
                        + " if !got.is_empty() { panic!(\"thief: {}\", got.join(\", \")); }"
                        + " println!(\"cargo:warning=thief: nothing to take\");";
        // the thief is not vacuous: without the sandbox it takes everything
        RecordingReporter outside = new RecordingReporter();
        JobOutcome unsandboxed =
                TestJobs.runner(client, cargo, Sandbox.none(), temp.resolve("outside"), limits())
                        .run(
                                TestJobs.job(
                                        http,
                                        "thief",
                                        "1.0.0",
                                        TestCrates.withBuildScript("thief", "1.0.0", thief),
                                        ArtifactKind.BINARY),
                                outside,
                                new JobControl());
        assertThat(unsandboxed.failureCode()).isEqualTo(FailureCode.COMPILE_ERROR);
        assertThat(outside.log()).contains("thief: read the key, wrote the key, removed the key");
        assertThat(Files.exists(key)).isFalse();
        Files.write(key, keyBytes);

        JobOutcome outcome = runHostile(runner, "thief", thief, reporter);

        assertThat(outcome.result()).as(reporter.log()).isEqualTo(JobResult.SUCCEEDED);
        assertThat(reporter.log()).contains("thief: nothing to take");
        assertThat(Files.readAllBytes(key)).isEqualTo(keyBytes);
        buildsAnOrdinaryCrateNext(runner);
    }

    private JobOutcome runHostile(JobRunner runner, String name, String buildScript)
            throws Exception {
        return runHostile(runner, name, buildScript, new RecordingReporter());
    }

    private JobOutcome runHostile(
            JobRunner runner, String name, String buildScript, RecordingReporter reporter)
            throws Exception {
        JobAssignment job =
                TestJobs.job(
                        http,
                        name,
                        "1.0.0",
                        TestCrates.withBuildScript(name, "1.0.0", buildScript),
                        ArtifactKind.BINARY);
        return runner.run(job, reporter, new JobControl());
    }

    private void buildsAnOrdinaryCrateNext(JobRunner runner) throws Exception {
        RecordingReporter reporter = new RecordingReporter();
        JobAssignment job =
                TestJobs.job(
                        http,
                        "hello-next",
                        "1.0.0",
                        TestCrates.binary("hello-next", "1.0.0", "fine"),
                        ArtifactKind.BINARY);

        JobOutcome outcome = runner.run(job, reporter, new JobControl());

        assertThat(outcome.result()).as(reporter.log()).isEqualTo(JobResult.SUCCEEDED);
        assertThat(Files.exists(temp.resolve("work/jobs"))).isTrue();
        try (var left = Files.list(temp.resolve("work/jobs"))) {
            assertThat(left).as("job directories are removed").isEmpty();
        }
    }

    private static JobLimits limits() {
        return JobLimits.defaults().withBuildLimits(MEMORY, CPU, PROCESSES, DISK, LOG, SILENCE);
    }

    private JobRunner runner(JobLimits limits) throws Exception {
        return TestJobs.runner(
                client, cargo, Sandbox.bubblewrap(bwrap), temp.resolve("work"), limits);
    }
}
