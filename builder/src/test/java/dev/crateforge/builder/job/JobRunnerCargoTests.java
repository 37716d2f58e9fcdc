package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crateforge.builder.config.JobLimits;
import dev.crateforge.builder.support.HttpFixture;
import dev.crateforge.builder.support.RecordingReporter;
import dev.crateforge.builder.support.TarBuilder;
import dev.crateforge.builder.support.TestCrates;
import dev.crateforge.builder.support.Tools;
import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.contract.UploadOutcome;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.BuildStage;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.message.JobAssignment;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole job attempts with the machine's real cargo: a real HTTP server serves the {@code .crate}
 * and takes the upload, cargo builds a crate generated in the test, and the packed binary is run.
 */
class JobRunnerCargoTests {

    private static final String TARGET = TestJobs.TARGET;
    private static final String TOKEN = TestJobs.TOKEN;
    private static final String GREETING = "Hello from CrateForge";

    @TempDir Path temp;

    private HttpFixture http;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        http = new HttpFixture();
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void buildsMetadataOfALibraryAndUploadsIt() throws Exception {
        JobRunner runner = runner(Tools.cargoOrSkip());
        JobAssignment job =
                job("demo-lib", TestCrates.library("demo-lib", "0.3.1"), ArtifactKind.METADATA);
        RecordingReporter reporter = new RecordingReporter();

        JobOutcome outcome = runner.run(job, reporter, new JobControl());

        assertThat(outcome.result()).as(reporter.log()).isEqualTo(JobResult.SUCCEEDED);
        assertThat(reporter.stages)
                .containsExactly(
                        BuildStage.FETCHING,
                        BuildStage.EXTRACTING,
                        BuildStage.BUILDING,
                        BuildStage.UPLOADING);
        HttpFixture.Upload upload = http.uploads().get(0);
        JsonNode metadata = new ObjectMapper().readTree(upload.body());
        assertThat(metadata.path("packages").get(0).path("name").asText()).isEqualTo("demo-lib");
        assertThat(metadata.path("packages").get(0).path("version").asText()).isEqualTo("0.3.1");
        assertThat(upload.headers().get("Authorization")).containsExactly("Bearer " + TOKEN);
        assertThat(upload.headers().get("Content-Length"))
                .containsExactly(String.valueOf(upload.body().length));
        assertThat(upload.headers().get("X-Checksum-Sha256"))
                .containsExactly(SourceFetcherTests.sha256(upload.body()));
        assertThat(outcome.artifacts())
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.sha256())
                                    .isEqualTo(SourceFetcherTests.sha256(upload.body()));
                            assertThat(a.size()).isEqualTo(upload.body().length);
                        });
    }

    @Test
    void metadataIsTheSameBytesWhereverTheBuilderKeepsItsJobs() throws Exception {
        Path cargo = Tools.cargoOrSkip();
        byte[] crate = TestCrates.binary("hello-cf", "1.0.0", GREETING);
        JobRunner first = runner(cargo, Sandbox.none(), temp.resolve("work-a"));
        JobRunner second = runner(cargo, Sandbox.none(), temp.resolve("elsewhere/deeper/work-b"));

        JobOutcome a =
                first.run(
                        job("hello-cf", crate, ArtifactKind.METADATA),
                        new RecordingReporter(),
                        new JobControl());
        JobOutcome b =
                second.run(
                        job("hello-cf", crate, ArtifactKind.METADATA),
                        new RecordingReporter(),
                        new JobControl());

        assertThat(a.result()).isEqualTo(JobResult.SUCCEEDED);
        assertThat(b.result()).isEqualTo(JobResult.SUCCEEDED);
        byte[] fromA = http.uploads().get(0).body();
        byte[] fromB = http.uploads().get(1).body();
        String text = new String(fromA, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain(temp.toString()).doesNotContain("/jobs/");
        assertThat(fromB).isEqualTo(fromA);
        JsonNode metadata = new ObjectMapper().readTree(fromA);
        JsonNode pkg = metadata.path("packages").get(0);
        assertThat(pkg.path("manifest_path").asText())
                .isEqualTo("/crateforge/src/hello-cf-1.0.0/Cargo.toml");
        assertThat(pkg.path("targets").get(0).path("src_path").asText())
                .isEqualTo("/crateforge/src/hello-cf-1.0.0/src/main.rs");
        assertThat(metadata.path("workspace_root").asText())
                .isEqualTo("/crateforge/src/hello-cf-1.0.0");
        assertThat(metadata.path("target_directory").asText()).isEqualTo("/crateforge/target");
        assertThat(a.artifacts()).isEqualTo(b.artifacts());
    }

    @Test
    void buildsABinaryWhosePackedExecutableRuns() throws Exception {
        JobRunner runner = runner(Tools.cargoOrSkip());
        JobAssignment job =
                job(
                        "hello-cf",
                        TestCrates.binary("hello-cf", "1.0.0", GREETING),
                        ArtifactKind.BINARY);
        RecordingReporter reporter = new RecordingReporter();

        JobOutcome outcome = runner.run(job, reporter, new JobControl());

        assertThat(outcome.result()).as(reporter.log()).isEqualTo(JobResult.SUCCEEDED);
        assertThat(reporter.stages)
                .containsExactly(
                        BuildStage.FETCHING,
                        BuildStage.EXTRACTING,
                        BuildStage.BUILDING,
                        BuildStage.PACKAGING,
                        BuildStage.UPLOADING);
        assertThat(reporter.log()).contains("stderr:    Compiling hello-cf v1.0.0");
        Path artifact = Files.write(temp.resolve("binary.tar.gz"), http.uploads().get(0).body());
        assertThat(ArtifactPacker.list(artifact)).containsExactly("hello-cf");
        Path unpacked = temp.resolve("unpacked");
        new CrateArchiveExtractor(1L << 30, 10).extract(artifact, unpacked);
        Process binary = new ProcessBuilder(unpacked.resolve("hello-cf").toString()).start();
        String printed = new String(binary.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(binary.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(printed).isEqualTo(GREETING + "\n");
    }

    @Test
    void failsTheJobWithTheCompilerErrorInTheLog() throws Exception {
        JobRunner runner = runner(Tools.cargoOrSkip());
        JobAssignment job =
                job("broken", TestCrates.brokenBinary("broken", "0.1.0"), ArtifactKind.BINARY);
        RecordingReporter reporter = new RecordingReporter();

        JobOutcome outcome = runner.run(job, reporter, new JobControl());

        assertThat(outcome.result()).isEqualTo(JobResult.FAILED);
        assertThat(outcome.failureCode()).isEqualTo(FailureCode.COMPILE_ERROR);
        assertThat(outcome.failureReason()).startsWith("cargo build failed with exit code");
        assertThat(reporter.lines)
                .anySatisfy(line -> assertThat(line).startsWith("stderr: error["));
        assertThat(http.uploads()).isEmpty();
    }

    @Test
    void abandonsTheJobWhenTheUploadIsForbidden() throws Exception {
        JobRunner runner = runner(Tools.cargoOrSkip());
        http.uploadAnswer(403, UploadOutcome.ATTEMPT_NOT_LIVE.reason());
        JobAssignment job =
                job("demo-lib", TestCrates.library("demo-lib", "0.3.1"), ArtifactKind.METADATA);

        assertThatThrownBy(() -> runner.run(job, new RecordingReporter(), new JobControl()))
                .isInstanceOf(JobAbandoned.class)
                .hasMessageContaining("attempt_not_live");
    }

    @Test
    void buildsNothingWhenTheSourceHashDiffers() throws Exception {
        // no cargo needed: a wrong hash must stop the job before cargo would ever start
        JobRunner runner = runner(temp.resolve("no-such-cargo"));
        byte[] crate = TestCrates.binary("hello-cf", "1.0.0", GREETING);
        JobAssignment honest = job("hello-cf", crate, ArtifactKind.BINARY);
        JobAssignment job =
                new JobAssignment(
                        honest.jobId(),
                        1,
                        "hello-cf",
                        "1.0.0",
                        honest.sourceUrl(),
                        "f".repeat(64),
                        TARGET,
                        ArtifactKind.BINARY,
                        honest.uploadUrl(),
                        TOKEN,
                        600,
                        null);
        RecordingReporter reporter = new RecordingReporter();

        JobOutcome outcome = runner.run(job, reporter, new JobControl());

        assertThat(outcome.result()).isEqualTo(JobResult.FAILED);
        assertThat(outcome.failureCode()).isEqualTo(FailureCode.SOURCE_MISMATCH);
        assertThat(outcome.failureReason())
                .isEqualTo(
                        "source SHA-256 mismatch: expected "
                                + "f".repeat(64)
                                + ", got "
                                + SourceFetcherTests.sha256(crate));
        assertThat(reporter.stages).containsExactly(BuildStage.FETCHING);
        assertThat(http.uploads()).isEmpty();
        assertThat(temp.resolve("work/jobs")).isEmptyDirectory();
    }

    @Test
    void failsAnArchiveWithoutTheCrateDirectory() throws Exception {
        JobRunner runner = runner(temp.resolve("no-such-cargo"));
        byte[] crate = new TarBuilder().file("other/Cargo.toml", "[package]\n").bytes();
        JobAssignment job = job("hello-cf", crate, ArtifactKind.BINARY);

        JobOutcome outcome = runner.run(job, new RecordingReporter(), new JobControl());

        assertThat(outcome.failureReason()).contains("has no hello-cf-1.0.0/Cargo.toml");
        assertThat(outcome.failureCode()).isEqualTo(FailureCode.SOURCE_MISMATCH);
    }

    @Test
    void sandboxedBuildHasNoNetworkAndCannotReadTheBuildersFiles() throws Exception {
        Path cargo = Tools.cargoOrSkip();
        Path bwrap = Tools.bwrapOrSkip();
        Path secret = Files.writeString(temp.resolve("builder-secret"), "do not read");
        byte[] crate = TestCrates.sandboxProbe("probe", "1.0.0", http.port(), secret.toString());

        RecordingReporter outside = new RecordingReporter();
        JobOutcome unsandboxed =
                runner(cargo, Sandbox.none())
                        .run(job("probe", crate, ArtifactKind.BINARY), outside, new JobControl());
        RecordingReporter inside = new RecordingReporter();
        JobOutcome sandboxed =
                runner(cargo, Sandbox.bubblewrap(bwrap))
                        .run(job("probe", crate, ArtifactKind.BINARY), inside, new JobControl());

        // the probe is not vacuous: without the sandbox it reaches the server
        assertThat(unsandboxed.result()).isEqualTo(JobResult.FAILED);
        assertThat(outside.log()).contains("probe: the network is reachable");
        assertThat(sandboxed.result()).as(inside.log()).isEqualTo(JobResult.SUCCEEDED);
        assertThat(inside.log()).contains("probe: no network, no builder files");
    }

    @Test
    void aBuildThatOutlivesItsTimeBudgetFailsWithTimeout() throws Exception {
        // a stand-in cargo whose build never ends: no toolchain needed
        Path cargo =
                script(
                        "cargo",
                        "case \"$1\" in\n"
                                + "metadata) echo '{\"packages\":[{\"name\":\"hello-cf\","
                                + "\"targets\":[{\"name\":\"hello-cf\",\"kind\":[\"bin\"]}]}]}' ;;\n"
                                + "build) exec sleep 60 ;;\n"
                                + "esac\n");
        JobAssignment job =
                withTimeout(
                        job(
                                "hello-cf",
                                TestCrates.binary("hello-cf", "1.0.0", GREETING),
                                ArtifactKind.BINARY),
                        1);

        JobOutcome outcome = runner(cargo).run(job, new RecordingReporter(), new JobControl());

        assertThat(outcome.failureCode()).isEqualTo(FailureCode.TIMEOUT);
        assertThat(http.uploads()).isEmpty();
    }

    @Test
    void aSandboxThatCannotStartIsTheMachinesFaultNotTheCrates() throws Exception {
        // what bubblewrap prints and does where user namespaces are not allowed
        Path bwrap =
                script(
                        "bwrap",
                        "echo 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n");
        JobAssignment job =
                job(
                        "hello-cf",
                        TestCrates.binary("hello-cf", "1.0.0", GREETING),
                        ArtifactKind.BINARY);

        JobOutcome outcome =
                runner(temp.resolve("no-such-cargo"), Sandbox.bubblewrap(bwrap))
                        .run(job, new RecordingReporter(), new JobControl());

        assertThat(outcome.failureCode()).isEqualTo(FailureCode.SANDBOX_ERROR);
        assertThat(outcome.failureReason())
                .isEqualTo(
                        "the sandbox could not start: bwrap: No permissions to creating new"
                                + " namespace");
    }

    private Path script(String name, String body) throws Exception {
        Path script = Files.writeString(temp.resolve(name), "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static JobAssignment withTimeout(JobAssignment job, int seconds) {
        return new JobAssignment(
                job.jobId(),
                job.attempt(),
                job.crate(),
                job.version(),
                job.sourceUrl(),
                job.sourceSha256(),
                job.target(),
                job.kind(),
                job.uploadUrl(),
                job.jobToken(),
                seconds,
                null);
    }

    private JobRunner runner(Path cargo) throws Exception {
        return runner(cargo, Sandbox.none());
    }

    private JobRunner runner(Path cargo, Sandbox sandbox) throws Exception {
        return runner(cargo, sandbox, temp.resolve("work"));
    }

    private JobRunner runner(Path cargo, Sandbox sandbox, Path workDir) throws Exception {
        return TestJobs.runner(client, cargo, sandbox, workDir, JobLimits.defaults());
    }

    private JobAssignment job(String crate, byte[] source, ArtifactKind kind) {
        String version =
                crate.equals("demo-lib") ? "0.3.1" : crate.equals("broken") ? "0.1.0" : "1.0.0";
        return TestJobs.job(http, crate, version, source, kind);
    }
}
