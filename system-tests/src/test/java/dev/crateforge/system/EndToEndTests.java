package dev.crateforge.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crateforge.localstack.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crate goes in, a verified artifact comes out: the three services as packaged jars, reference
 * builders as separate processes, real cargo, real PostgreSQL, Kafka and S3.
 */
class EndToEndTests {

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A build script that takes long enough to be interrupted mid-build. */
    private static final String SLOW_BUILD_RS =
            "fn main() {\n    std::thread::sleep(std::time::Duration::from_secs(90));\n}\n";

    @TempDir static Path work;

    private static Cargo cargo;
    private static String target;
    private static CrateForgeSystem system;
    private static CrateForgeClient client;
    private static SourceServer sources;

    @BeforeAll
    static void startSystem() {
        cargo = RealCargo.orSkip("the end-to-end system tests");
        target = cargo.hostTarget();
        system =
                CrateForgeSystem.start(
                        LocalStack.shared(),
                        CrateForgeSystem.Options.defaults(work.resolve("system"))
                                .withLeases("PT60S", "PT3S", "PT1S"));
        client = system.client();
        sources = SourceServer.start(work.resolve("sources"));
    }

    @AfterAll
    static void stopSystem() {
        if (sources != null) {
            sources.close();
        }
        if (system != null) {
            system.close();
            assertStoppedCleanly();
        }
    }

    /**
     * Every service stopped on SIGTERM without running out its shutdown timeout (a wait Quarkus
     * logs as an ERROR and that made stopping a local run take half a minute).
     */
    private static void assertStoppedCleanly() {
        List<ServiceProcess> services = new ArrayList<>(system.schedulers());
        services.addAll(system.artifactServices());
        services.addAll(system.gateways());
        for (ServiceProcess service : services) {
            String log;
            try {
                log = Files.readString(service.logFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThat(log)
                    .as(service.name() + " log " + service.logFile())
                    .doesNotContain("Timed out waiting for graceful shutdown");
        }
    }

    @Test
    void buildsABinaryThatRunsAndWhoseProvenanceVerifies() throws Exception {
        Path crate =
                pack(
                        Cargo.writeBinaryCrate(
                                work.resolve("crates"),
                                "hello-e2e",
                                "1.0.0",
                                "fn main() {\n    println!(\"hello from hello-e2e\");\n}\n"),
                        "hello-e2e",
                        "1.0.0");
        try (BuilderProcess builder = startBuilder("builder-binary")) {
            UUID jobId = submit("hello-e2e", "1.0.0", crate, SourceServer.sha256(crate), "binary");

            awaitState(jobId, "succeeded", builder);

            List<JsonNode> logs = client.logs(jobId);
            assertThat(logs)
                    .extracting(line -> line.path("seq").asLong())
                    .isSorted()
                    .doesNotHaveDuplicates();
            assertThat(logs)
                    .extracting(line -> line.path("line").asText())
                    .anyMatch(l -> l.contains("Compiling hello-e2e"));

            HttpResponse<byte[]> artifact = client.download(jobId, "binary");
            String sha256 = sha256(artifact.body());
            assertThat(artifact.headers().firstValue("X-Checksum-Sha256")).contains(sha256);
            assertThat(client.awaitProvenanceFile(jobId, "statement", Duration.ofSeconds(30)))
                    .contains("artifact: binary sha256:" + sha256);

            Path unpacked = Files.createDirectories(work.resolve("unpacked-" + jobId));
            Files.write(unpacked.resolve("artifact.tar.gz"), artifact.body());
            assertThat(run(unpacked, "tar", "-xzf", "artifact.tar.gz")).isEmpty();
            try (var files = Files.walk(unpacked)) {
                Path binary =
                        files.filter(f -> f.getFileName().toString().equals("hello-e2e"))
                                .findFirst()
                                .orElseThrow();
                assertThat(run(unpacked, binary.toString())).isEqualTo("hello from hello-e2e\n");
            }
            assertProvenanceVerifiesWithSshKeygen(jobId);
        }
    }

    @Test
    void buildsTheMetadataOfALibrary() throws Exception {
        Path crate =
                pack(
                        Cargo.writeLibraryCrate(
                                work.resolve("crates"),
                                "meta-e2e",
                                "0.2.0",
                                "pub fn answer() -> u32 {\n    42\n}\n"),
                        "meta-e2e",
                        "0.2.0");
        try (BuilderProcess builder = startBuilder("builder-metadata")) {
            UUID jobId = submit("meta-e2e", "0.2.0", crate, SourceServer.sha256(crate), "metadata");

            awaitState(jobId, "succeeded", builder);

            JsonNode metadata = JSON.readTree(client.download(jobId, "metadata").body());
            assertThat(metadata.path("packages").get(0).path("name").asText())
                    .isEqualTo("meta-e2e");
            assertThat(metadata.path("packages").get(0).path("version").asText())
                    .isEqualTo("0.2.0");
        }
    }

    @Test
    void failsWithoutBuildingWhenTheSourceHashIsWrong() {
        Path crate =
                pack(
                        Cargo.writeBinaryCrate(
                                work.resolve("crates"), "tampered-e2e", "1.0.0", "fn main() {}\n"),
                        "tampered-e2e",
                        "1.0.0");
        try (BuilderProcess builder = startBuilder("builder-tampered")) {
            UUID jobId = submit("tampered-e2e", "1.0.0", crate, "0".repeat(64), "binary");

            awaitState(jobId, "failed", builder);

            assertThat(client.job(jobId).path("failureReason").asText())
                    .containsIgnoringCase("sha-256");
            assertThat(client.logs(jobId))
                    .extracting(l -> l.path("line").asText())
                    .noneMatch(l -> l.contains("Compiling"));
        }
    }

    @Test
    void failsWithTheCompilersErrorInTheLog() {
        Path crate =
                pack(
                        Cargo.writeBinaryCrate(
                                work.resolve("crates"),
                                "broken-e2e",
                                "1.0.0",
                                "fn main() {\n    let x: u32 = \"not a number\";\n}\n"),
                        "broken-e2e",
                        "1.0.0");
        try (BuilderProcess builder = startBuilder("builder-broken")) {
            UUID jobId = submit("broken-e2e", "1.0.0", crate, SourceServer.sha256(crate), "binary");

            awaitState(jobId, "failed", builder);

            assertThat(client.logs(jobId))
                    .extracting(l -> l.path("line").asText())
                    .anyMatch(l -> l.contains("error[E0308]"));
        }
    }

    @Test
    void requeuesTheJobOfAKilledBuilderForAnotherBuilder() {
        Path crateDir =
                Cargo.writeBinaryCrate(
                        work.resolve("crates"),
                        "survivor-e2e",
                        "1.0.0",
                        "fn main() {\n    println!(\"survived\");\n}\n");
        // Slow enough that the builder is killed mid-build, short enough for the second attempt.
        writeFile(
                crateDir.resolve("build.rs"),
                "fn main() {\n    std::thread::sleep(std::time::Duration::from_secs(15));\n}\n");
        Path crate = pack(crateDir, "survivor-e2e", "1.0.0");
        UUID jobId;
        BuilderProcess doomed = startBuilder("builder-doomed");
        try {
            jobId = submit("survivor-e2e", "1.0.0", crate, SourceServer.sha256(crate), "binary");
            await().atMost(BUILD_TIMEOUT).until(() -> "running".equals(client.state(jobId)));
        } finally {
            doomed.kill();
        }
        try (BuilderProcess survivor = startBuilder("builder-survivor")) {
            awaitState(jobId, "succeeded", survivor);

            JsonNode job = client.job(jobId);
            assertThat(job.path("attempt").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(client.awaitProvenanceFile(jobId, "statement", Duration.ofSeconds(30)))
                    .contains("attempt: " + job.path("attempt").asInt());
        }
    }

    @Test
    void cancelStopsTheBuildOnTheBuilder() {
        Path crateDir =
                Cargo.writeBinaryCrate(
                        work.resolve("crates"), "cancelled-e2e", "1.0.0", "fn main() {}\n");
        writeFile(crateDir.resolve("build.rs"), SLOW_BUILD_RS);
        Path crate = pack(crateDir, "cancelled-e2e", "1.0.0");
        try (BuilderProcess builder = startBuilder("builder-cancel")) {
            UUID jobId =
                    submit("cancelled-e2e", "1.0.0", crate, SourceServer.sha256(crate), "binary");
            await().atMost(BUILD_TIMEOUT).until(() -> runsCargo(builder));

            client.cancel(jobId);

            assertThat(client.state(jobId)).isEqualTo("cancelled");
            await().atMost(Duration.ofSeconds(30)).until(() -> !runsCargo(builder));
            assertThat(builder.isAlive()).isTrue();
        }
    }

    @Test
    void operatorTokenToolMintsTokensTheAdminApiAccepts() throws Exception {
        Path tool = Repository.root().resolve("tools/OperatorToken.java");
        String admin =
                run(
                                work,
                                javaLauncher(),
                                tool.toString(),
                                "--key",
                                system.operatorKey().toString(),
                                "--subject",
                                "alice",
                                "--roles",
                                "admin")
                        .strip();
        String submitter =
                run(
                                work,
                                javaLauncher(),
                                tool.toString(),
                                "--key",
                                system.operatorKey().toString(),
                                "--subject",
                                "bob",
                                "--roles",
                                "submitter")
                        .strip();

        assertThat(adminApiStatus(admin)).isEqualTo(200);
        assertThat(adminApiStatus(submitter)).isEqualTo(403);
        assertThat(adminApiStatus(admin.substring(0, admin.length() - 4) + "AAAA")).isEqualTo(401);
    }

    private static int adminApiStatus(String token) throws Exception {
        var request =
                java.net.http.HttpRequest.newBuilder(
                                system.gateway().baseUri().resolve("/api/v1/builders"))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build();
        return java.net.http.HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static BuilderProcess startBuilder(String name) {
        return system.startRegisteredBuilder(name, List.of(target), work);
    }

    private static UUID submit(
            String crate, String version, Path file, String sha256, String kind) {
        return client.submit(
                new CrateForgeClient.JobSpec(
                        crate, version, sources.publish(file), sha256, target, kind));
    }

    private static void awaitState(UUID jobId, String expected, BuilderProcess builder) {
        await().atMost(BUILD_TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .alias("job " + jobId + " " + expected + "; builder said:\n" + builder.output())
                .until(
                        () -> {
                            String state = client.state(jobId);
                            assertThat(state)
                                    .as("job %s (builder output:%n%s)", jobId, builder.output())
                                    .isIn(expected, "queued", "assigned", "running");
                            return expected.equals(state);
                        });
    }

    /** Whether cargo or a build script runs under this builder. */
    private static boolean runsCargo(BuilderProcess builder) {
        return builder.handle()
                .descendants()
                .anyMatch(
                        p ->
                                p.info()
                                        .command()
                                        .map(
                                                c ->
                                                        c.endsWith("/cargo")
                                                                || c.contains("build-script")
                                                                || c.endsWith("/rustc"))
                                        .orElse(false));
    }

    private void assertProvenanceVerifiesWithSshKeygen(UUID jobId) throws Exception {
        if (!commandExists("ssh-keygen")) {
            System.err.println(
                    "WARNING: ssh-keygen not found: SKIPPING the provenance check with ssh-keygen");
            Assumptions.abort(
                    "ssh-keygen not found: SKIPPING the provenance check with ssh-keygen");
        }
        Path dir = Files.createDirectories(work.resolve("provenance-" + jobId));
        for (String file : List.of("statement", "signature", "allowed_signers")) {
            Files.writeString(dir.resolve(file), client.provenanceFile(jobId, file));
        }
        ProcessBuilder verify =
                new ProcessBuilder(
                                "ssh-keygen",
                                "-Y",
                                "verify",
                                "-f",
                                "allowed_signers",
                                "-I",
                                "builder",
                                "-n",
                                "build@crateforge.dev",
                                "-s",
                                "signature")
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectInput(dir.resolve("statement").toFile());
        Process process = verify.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("Good \"build@crateforge.dev\" signature");
    }

    private static Path pack(Path crateDir, String name, String version) {
        return cargo.pack(crateDir, name, version);
    }

    private static void writeFile(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String run(Path dir, String... command) throws Exception {
        Process process =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static boolean commandExists(String command) {
        try {
            return new ProcessBuilder(command, "-?")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
