package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.builder.config.JobLimits;
import dev.crateforge.builder.support.HttpFixture;
import dev.crateforge.builder.support.RecordingReporter;
import dev.crateforge.builder.support.TestCrates;
import dev.crateforge.builder.support.Tools;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.message.JobAssignment;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Independent rebuilds agree: the same job built by two runners whose work directories (and so job
 * directories and {@code CARGO_HOME}s) differ uploads the same bytes, with the machine's real
 * cargo. A crate that bakes the build time into its binary still differs, so the comparison is not
 * vacuous.
 */
class ReproducibleBuildTests {

    private static final String CRATE = "repro-cf";
    private static final String VERSION = "1.0.0";
    private static final Instant PUBLISHED = Instant.parse("2024-05-02T12:30:00Z");

    @TempDir Path temp;

    private final HttpFixture http = new HttpFixture();
    private final HttpClient client = HttpClient.newHttpClient();

    ReproducibleBuildTests() throws Exception {}

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void twoBuildersWithDifferentDirectoriesUploadTheSameBinaryAndMetadata() throws Exception {
        Path cargo = Tools.cargoOrSkip();
        byte[] crate = TestCrates.pathCarrying(CRATE, VERSION, PUBLISHED);
        JobRunner near = runner(cargo, temp.resolve("a"));
        JobRunner far = runner(cargo, temp.resolve("elsewhere/much deeper/builder \"b\""));

        byte[] binaryA = build(near, crate, ArtifactKind.BINARY);
        byte[] binaryB = build(far, crate, ArtifactKind.BINARY);
        byte[] metadataA = build(near, crate, ArtifactKind.METADATA);
        byte[] metadataB = build(far, crate, ArtifactKind.METADATA);

        assertThat(sha256(binaryB)).isEqualTo(sha256(binaryA));
        assertThat(new String(metadataB, StandardCharsets.UTF_8))
                .isEqualTo(new String(metadataA, StandardCharsets.UTF_8));
        assertThat(new String(metadataA, StandardCharsets.UTF_8))
                .contains("/crateforge/src/" + CRATE + "-" + VERSION + "/Cargo.toml")
                .doesNotContain(temp.toString());
        // the archive's time is the entries' time and what the build script saw, with UTC
        Path binary = unpack(binaryA);
        assertThat(ArtifactPacker.entries(Files.write(temp.resolve("a.tar.gz"), binaryA)))
                .singleElement()
                .satisfies(
                        e -> assertThat(e.getLastModifiedTime().toInstant()).isEqualTo(PUBLISHED));
        assertThat(run(binary)).startsWith("epoch=" + PUBLISHED.getEpochSecond() + " tz=UTC host=");
    }

    @Test
    void theBinaryNamesNoDirectoryOfTheBuilder() throws Exception {
        Path cargo = Tools.cargoOrSkip();
        Path strings = Tools.stringsOrSkip();
        byte[] crate = TestCrates.pathCarrying(CRATE, VERSION, PUBLISHED);
        Path workDir = temp.resolve("work");

        Path binary = unpack(build(runner(cargo, workDir), crate, ArtifactKind.BINARY));

        List<String> found = strings(strings, binary);
        List<String> forbidden = new ArrayList<>(List.of(temp.toString(), "/jobs/"));
        forbidden.add(temp.toRealPath().toString());
        forbidden.add(System.getProperty("user.home") + "/");
        ToolchainProbe.sysroot(cargo).ifPresent(sysroot -> forbidden.add(sysroot.toString()));
        assertThat(found.stream().filter(line -> forbidden.stream().anyMatch(line::contains)))
                .as("strings naming a directory of this machine")
                .isEmpty();
        // the paths are there, under their stable names: the check looks where they would be
        assertThat(found)
                .anyMatch(line -> line.contains("/crateforge/src/" + CRATE + "-" + VERSION))
                .anyMatch(
                        line -> line.startsWith("/crateforge/target/") && line.endsWith("gen.rs"));
    }

    @Test
    void insideTheSandboxEveryBuilderHasTheSameHostName() throws Exception {
        Path cargo = Tools.cargoOrSkip();
        Path bwrap = Tools.bwrapOrSkip();
        byte[] crate = TestCrates.pathCarrying(CRATE, VERSION, PUBLISHED);
        JobRunner sandboxed =
                TestJobs.runner(
                        client,
                        cargo,
                        Sandbox.bubblewrap(bwrap),
                        temp.resolve("work"),
                        JobLimits.defaults());

        Path binary = unpack(build(sandboxed, crate, ArtifactKind.BINARY));

        assertThat(run(binary))
                .isEqualTo(
                        "epoch="
                                + PUBLISHED.getEpochSecond()
                                + " tz=UTC host="
                                + Sandbox.HOSTNAME
                                + "\n");
    }

    @Test
    void aBuildScriptThatStampsTheTimeMakesTheDigestsDiffer() throws Exception {
        Path cargo = Tools.cargoOrSkip();
        byte[] crate = TestCrates.timeStamped(CRATE, VERSION);

        byte[] first = build(runner(cargo, temp.resolve("a")), crate, ArtifactKind.BINARY);
        byte[] second = build(runner(cargo, temp.resolve("b")), crate, ArtifactKind.BINARY);

        assertThat(sha256(second)).isNotEqualTo(sha256(first));
        assertThat(run(unpack(first))).startsWith("built at ");
    }

    private static String sha256(byte[] bytes) {
        return Sha256.hex(Sha256.newDigest().digest(bytes));
    }

    private JobRunner runner(Path cargo, Path workDir) throws Exception {
        return TestJobs.runner(client, cargo, Sandbox.none(), workDir, JobLimits.defaults());
    }

    /** Runs one job and returns the bytes it uploaded. */
    private byte[] build(JobRunner runner, byte[] crate, ArtifactKind kind) throws Exception {
        JobAssignment job = TestJobs.job(http, CRATE, VERSION, crate, kind);
        RecordingReporter reporter = new RecordingReporter();

        JobOutcome outcome = runner.run(job, reporter, new JobControl());

        assertThat(outcome.result()).as(reporter.log()).isEqualTo(JobResult.SUCCEEDED);
        return http.uploads().get(http.uploads().size() - 1).body();
    }

    private Path unpack(byte[] artifact) throws Exception {
        Path dir = Files.createTempDirectory(temp, "unpacked");
        Path archive = Files.write(dir.resolve("binary.tar.gz"), artifact);
        new CrateArchiveExtractor(1L << 30, 10).extract(archive, dir.resolve("bin"));
        return dir.resolve("bin").resolve(ArtifactPacker.list(archive).get(0));
    }

    private static String run(Path binary) throws Exception {
        Process process = new ProcessBuilder(binary.toString()).start();
        String printed =
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return printed;
    }

    /** What {@code strings -a} finds in the file: every printable run of 4 characters or more. */
    private static List<String> strings(Path strings, Path file) throws Exception {
        Process process = new ProcessBuilder(strings.toString(), "-a", file.toString()).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return output.lines().toList();
    }
}
