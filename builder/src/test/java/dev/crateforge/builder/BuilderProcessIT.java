package dev.crateforge.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.builder.support.FakeGateway;
import dev.crateforge.builder.support.HttpFixture;
import dev.crateforge.builder.support.TestCrates;
import dev.crateforge.builder.support.TestKeys;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.BuildStage;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.JobEvent;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.JobRequest;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.message.JobResponseAccepted;
import dev.crateforge.protocol.message.Jobs;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged builder ({@code target/quarkus-app/quarkus-run.jar}) as a real process: SIGTERM
 * while a job runs lets the job finish and be acknowledged before the process exits, and a refused
 * key ends the process with exit code 3 instead of a reconnect loop.
 */
class BuilderProcessIT {

    private static final String TARGET = "x86_64-unknown-linux-gnu";

    @TempDir Path temp;

    private Process builder;

    @AfterEach
    void kill() {
        if (builder != null && builder.isAlive()) {
            builder.destroyForcibly();
        }
    }

    @Test
    void sigtermFinishesTheRunningJobThenExits() throws Exception {
        try (FakeGateway gateway = new FakeGateway(TestKeys.builderKey().publicKey());
                HttpFixture http = new HttpFixture()) {
            builder = start(gateway, TestKeys.path("builder_ed25519"));
            gateway.nextMessage(JobRequest.class);
            byte[] source = TestCrates.binary("slowish", "1.0.0", "hi");
            UUID jobId = UUID.randomUUID();
            JobAssignment job =
                    new JobAssignment(
                            jobId,
                            1,
                            "slowish",
                            "1.0.0",
                            http.serve("slowish-1.0.0.crate", source).toString(),
                            sha256(source),
                            TARGET,
                            ArtifactKind.BINARY,
                            http.url("/upload/" + jobId + "/binary").toString(),
                            "token",
                            600,
                            null);
            gateway.send(new Jobs(List.of(job)));
            gateway.next(
                    JobEvent.class,
                    e ->
                            e.event() instanceof JobEventBody.StageChanged s
                                    && s.stage() == BuildStage.BUILDING);

            builder.destroy(); // SIGTERM

            JobResponse response = gateway.nextMessage(JobResponse.class);
            assertThat(response.result()).isEqualTo(JobResult.SUCCEEDED);
            gateway.send(new JobResponseAccepted(jobId, 1));
            assertThat(builder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(temp.resolve("out.txt"));
            assertThat(out).contains("stopping: taking no new jobs", "succeeded");
            assertThat(http.uploads()).hasSize(1);
        }
    }

    @Test
    void refusedKeyExitsWithCodeThreeAndSaysWhy() throws Exception {
        try (FakeGateway gateway = new FakeGateway(TestKeys.otherKey().publicKey())) {
            builder = start(gateway, TestKeys.path("builder_ed25519"));

            assertThat(builder.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(builder.exitValue()).isEqualTo(3);
            assertThat(Files.readString(temp.resolve("err.txt")))
                    .contains("the gateway refused this builder (1008 authentication failed)");
            assertThat(gateway.connections()).isEqualTo(1);
        }
    }

    private Process start(FakeGateway gateway, Path key) throws Exception {
        Path keyCopy = temp.resolve("id_ed25519");
        Files.copy(key, keyCopy);
        Files.setPosixFilePermissions(keyCopy, PosixFilePermissions.fromString("rw-------"));
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        assertThat(jar).exists();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        command.addAll(
                List.of(
                        "run",
                        "--gateway",
                        gateway.url().toString(),
                        "--key",
                        keyCopy.toString(),
                        "--targets",
                        TARGET,
                        "--cargo",
                        fakeCargo().toString(),
                        "--work-dir",
                        temp.resolve("work").toString(),
                        "--sandbox",
                        "none",
                        "--heartbeat-seconds",
                        "1",
                        "--grace-period-seconds",
                        "60"));
        return new ProcessBuilder(command)
                .redirectOutput(temp.resolve("out.txt").toFile())
                .redirectError(temp.resolve("err.txt").toFile())
                .start();
    }

    /** Stands in for cargo: a build that takes three seconds and leaves one binary. */
    private Path fakeCargo() throws Exception {
        Path script = temp.resolve("cargo");
        String release = "$CARGO_TARGET_DIR" + File.separator + TARGET + "/release";
        Files.writeString(
                script,
                "#!/bin/sh\n"
                        + "case \"$1\" in\n"
                        + "metadata) echo '{\"packages\":[{\"name\":\"slowish\",\"targets\":"
                        + "[{\"name\":\"slowish\",\"kind\":[\"bin\"]}]}]}' ;;\n"
                        + "build) sleep 3; mkdir -p \""
                        + release
                        + "\"; printf '#!/bin/sh\\necho hi\\n' > \""
                        + release
                        + "/slowish\"; chmod +x \""
                        + release
                        + "/slowish\" ;;\n"
                        + "esac\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
