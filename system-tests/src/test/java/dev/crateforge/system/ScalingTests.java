package dev.crateforge.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crateforge.localstack.LocalStack;
import dev.crateforge.protocol.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas of every service on the local stack, four real builders (two on each gateway): work
 * spreads over both gateways, no job is assigned twice, every upload lands; then one replica of
 * each service is killed mid-build and still no job and no log line is lost.
 *
 * <p>The second test kills replicas, so the order is fixed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScalingTests {

    /**
     * A generous limit, not a budget: on a busy machine a batch may take many times its usual time;
     * what is asserted is that nothing is lost or assigned twice.
     */
    private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(10);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BUILDERS_PER_GATEWAY = 2;

    /** Long enough that the kill lands mid-build; the ticks show up in the log only at its end. */
    private static final String SLOW_BUILD_RS =
            "fn main() {\n"
                    + "    std::thread::sleep(std::time::Duration::from_secs(15));\n"
                    + "    for i in 1..=5 {\n"
                    + "        println!(\"cargo:warning=tick {i}\");\n"
                    + "    }\n"
                    + "}\n";

    @TempDir static Path work;

    private static Cargo cargo;
    private static String target;
    private static CrateForgeSystem system;
    private static CrateForgeClient client;
    private static SourceServer sources;
    private static final List<BuilderProcess> builders = new ArrayList<>();

    /** Builder id to the index of the gateway it dials. */
    private static final Map<UUID, Integer> gatewayOfBuilder = new HashMap<>();

    @BeforeAll
    static void startSystem() {
        cargo = RealCargo.orSkip("the scaling system tests");
        target = cargo.hostTarget();
        system =
                CrateForgeSystem.start(
                        LocalStack.shared(),
                        CrateForgeSystem.Options.defaults(work.resolve("system"))
                                .withLeases("PT30S", "PT3S", "PT1S")
                                .withReplicas(2, 2, 2));
        client = system.client();
        sources = SourceServer.start(work.resolve("sources"));
        for (int g = 0; g < system.gateways().size(); g++) {
            for (int b = 0; b < BUILDERS_PER_GATEWAY; b++) {
                startBuilder("builder-g" + g + "-" + b, g);
            }
        }
    }

    @AfterAll
    static void stopSystem() {
        builders.forEach(BuilderProcess::kill);
        if (sources != null) {
            sources.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void spreadsJobsOverBothGatewaysAndAssignsEachJobOnce() throws Exception {
        Map<UUID, String> jobs = new LinkedHashMap<>();
        for (int i = 1; i <= 8; i++) {
            String name = "scale-" + i;
            Path crate =
                    cargo.pack(
                            Cargo.writeBinaryCrate(
                                    work.resolve("crates"),
                                    name,
                                    "1.0.0",
                                    "fn main() {\n    println!(\"hello from " + name + "\");\n}\n"),
                            name,
                            "1.0.0");
            jobs.put(submit(name, crate), name);
        }

        awaitAllSucceeded(jobs.keySet());

        Set<Integer> gatewaysThatBuilt = new java.util.HashSet<>();
        List<JsonNode> assignments = readAssignments();
        for (UUID jobId : jobs.keySet()) {
            JsonNode job = client.job(jobId);
            // A second attempt after a lease lost on a busy machine is legal; an attempt given to
            // two builders, or a final attempt nobody was assigned, is not.
            assertEachAttemptAssignedOnce(assignments, job);
            UUID builderId = UUID.fromString(job.path("builderId").asText());
            assertThat(gatewayOfBuilder).containsKey(builderId);
            gatewaysThatBuilt.add(gatewayOfBuilder.get(builderId));
            // Either scheduler replica shows the same job: they share one database.
            assertThat(client.job(system.schedulers().get(1), jobId).path("state").asText())
                    .isEqualTo("succeeded");
            assertThat(client.logs(jobId))
                    .extracting(line -> line.path("line").asText())
                    .anyMatch(line -> line.contains("Compiling " + jobs.get(jobId)));
            // The upload landed, and either artifact replica serves it with its checksum.
            for (ServiceProcess artifacts : system.artifactServices()) {
                HttpResponse<byte[]> artifact = client.download(artifacts, jobId, "binary");
                assertThat(artifact.headers().firstValue("X-Checksum-Sha256"))
                        .contains(sha256(artifact.body()));
            }
        }
        assertThat(gatewaysThatBuilt).as("gateways whose builders got jobs").containsExactly(0, 1);

        assertThat(assignments)
                .extracting(a -> a.path("assignment").path("jobId").asText())
                .containsAll(jobs.keySet().stream().map(UUID::toString).toList());
        assertThat(assignments)
                // A gateway process names itself <pod>~<incarnation>; the pod is what we started.
                .extracting(a -> a.path("gatewayInstance").asText().split("~", 2)[0])
                .contains("gateway-0", "gateway-1");
    }

    @Test
    @Order(2)
    void killingOneReplicaOfEachServiceMidBuildLosesNoJobAndNoLogLine() throws Exception {
        Map<UUID, String> jobs = new LinkedHashMap<>();
        for (int i = 1; i <= builders.size(); i++) {
            String name = "slow-" + i;
            Path dir =
                    Cargo.writeBinaryCrate(
                            work.resolve("crates"),
                            name,
                            "1.0.0",
                            "fn main() {\n    println!(\"hello from " + name + "\");\n}\n");
            write(dir.resolve("build.rs"), SLOW_BUILD_RS);
            jobs.put(submit(name, cargo.pack(dir, name, "1.0.0")), name);
        }
        // Every builder busy, so the killed gateway surely carries builds in flight.
        await().atMost(BATCH_TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () ->
                                jobs.keySet().stream()
                                        .map(client::job)
                                        .filter(j -> "running".equals(j.path("state").asText()))
                                        .map(j -> UUID.fromString(j.path("builderId").asText()))
                                        .map(gatewayOfBuilder::get)
                                        .collect(Collectors.toSet())
                                        .containsAll(Set.of(0, 1)));
        Map<UUID, UUID> firstBuilder = new HashMap<>();
        for (UUID jobId : jobs.keySet()) {
            String builderId = client.job(jobId).path("builderId").asText();
            if (!builderId.isEmpty() && !"null".equals(builderId)) {
                firstBuilder.put(jobId, UUID.fromString(builderId));
            }
        }

        system.schedulers().get(1).kill();
        system.artifactServices().get(1).kill();
        system.gateways().get(1).kill();

        awaitAllSucceeded(jobs.keySet());

        List<JsonNode> assignments = readAssignments();
        for (UUID jobId : jobs.keySet()) {
            JsonNode job = client.job(jobId);
            int attempt = job.path("attempt").asInt();
            List<Integer> attempts =
                    assignments.stream()
                            .filter(
                                    a ->
                                            a.path("assignment")
                                                    .path("jobId")
                                                    .asText()
                                                    .equals(jobId.toString()))
                            .map(a -> a.path("assignment").path("attempt").asInt())
                            .toList();
            // Each attempt went to exactly one builder, and the last one is the one that counts.
            assertThat(attempts).as("attempts of job %s", jobId).doesNotHaveDuplicates();
            assertThat(attempts).contains(attempt);
            UUID finalBuilder = UUID.fromString(job.path("builderId").asText());
            System.err.printf(
                    "job %s (%s): first builder on gateway %s, final attempt %d on gateway %s%n",
                    jobId,
                    jobs.get(jobId),
                    gatewayOfBuilder.get(firstBuilder.get(jobId)),
                    attempt,
                    gatewayOfBuilder.get(finalBuilder));

            if (Integer.valueOf(1).equals(gatewayOfBuilder.get(firstBuilder.get(jobId)))) {
                // Its builder lost the killed gateway: the job was requeued and finished by a
                // builder on the surviving gateway.
                assertThat(attempt).as("attempt of job %s", jobId).isGreaterThanOrEqualTo(2);
                assertThat(gatewayOfBuilder.get(finalBuilder)).isZero();
            }

            List<JsonNode> logs = client.logs(jobId);
            assertThat(logs).extracting(line -> line.path("attempt").asInt()).containsOnly(attempt);
            assertThat(logs)
                    .extracting(line -> line.path("seq").asLong())
                    .isSorted()
                    .doesNotHaveDuplicates();
            List<String> lines = logs.stream().map(line -> line.path("line").asText()).toList();
            assertThat(lines).anyMatch(line -> line.contains("Compiling " + jobs.get(jobId)));
            for (int tick = 1; tick <= 5; tick++) {
                String expected = "tick " + tick;
                assertThat(lines.stream().filter(line -> line.endsWith(expected)).count())
                        .as("log lines of job %s ending with '%s'", jobId, expected)
                        .isEqualTo(1);
            }
            HttpResponse<byte[]> artifact = client.download(jobId, "binary");
            assertThat(artifact.headers().firstValue("X-Checksum-Sha256"))
                    .contains(sha256(artifact.body()));
        }
    }

    /**
     * Each attempt of the job was assigned once, and its final attempt went to the builder the job
     * names.
     */
    private static void assertEachAttemptAssignedOnce(List<JsonNode> assignments, JsonNode job) {
        String jobId = job.path("id").asText();
        List<JsonNode> ofJob =
                assignments.stream()
                        .filter(a -> a.path("assignment").path("jobId").asText().equals(jobId))
                        .toList();
        assertThat(ofJob)
                .extracting(a -> a.path("assignment").path("attempt").asInt())
                .as("attempts of job %s", jobId)
                .doesNotHaveDuplicates()
                .contains(job.path("attempt").asInt());
        assertThat(ofJob)
                .filteredOn(
                        a ->
                                a.path("assignment").path("attempt").asInt()
                                        == job.path("attempt").asInt())
                .extracting(a -> a.path("builderId").asText())
                .as("builder of the final attempt of job %s", jobId)
                .containsExactly(job.path("builderId").asText());
    }

    private static void startBuilder(String name, int gateway) {
        Path keyFile = work.resolve("keys").resolve(name);
        var key = BuilderProcess.newKey(keyFile);
        UUID id = client.registerBuilder(name, key.publicKey().openSshLine(), List.of(target), 1);
        gatewayOfBuilder.put(id, gateway);
        builders.add(
                BuilderProcess.start(
                        name,
                        system.builderUrl(system.gateways().get(gateway)),
                        keyFile,
                        List.of(target),
                        work.resolve("builders"),
                        "--slots=1"));
    }

    private static UUID submit(String crate, Path file) {
        return client.submit(
                new CrateForgeClient.JobSpec(
                        crate,
                        "1.0.0",
                        sources.publish(file),
                        SourceServer.sha256(file),
                        target,
                        "binary"));
    }

    private static void awaitAllSucceeded(Set<UUID> jobIds) {
        await().atMost(BATCH_TIMEOUT)
                .pollInterval(Duration.ofSeconds(1))
                .alias("all jobs succeeded")
                .until(
                        () -> {
                            for (UUID jobId : jobIds) {
                                String state = client.state(jobId);
                                assertThat(state)
                                        .as("job %s%n%s", jobId, builderOutputs())
                                        .isIn("succeeded", "queued", "assigned", "running");
                                if (!"succeeded".equals(state)) {
                                    return false;
                                }
                            }
                            return true;
                        });
    }

    private static String builderOutputs() {
        StringBuilder out = new StringBuilder();
        for (BuilderProcess builder : builders) {
            out.append("--- ").append(builder.name()).append('\n').append(builder.output());
        }
        return out.toString();
    }

    /**
     * Every {@code JobAssigned} record of this system so far, read up to the end of each partition
     * with a plain consumer (no group, so nothing is committed).
     */
    private static List<JsonNode> readAssignments() {
        return KafkaRecords.readAll(
                LocalStack.shared().addresses().kafka().bootstrapServers(),
                Topics.prefixed(system.topicPrefix(), Topics.JOB_ASSIGNMENTS));
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
