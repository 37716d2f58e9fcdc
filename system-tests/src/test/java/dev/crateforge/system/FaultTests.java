package dev.crateforge.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crateforge.localstack.LocalStack;
import dev.crateforge.localstack.LocalStackOptions;
import dev.crateforge.protocol.kafka.Topics;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite: one system on a local stack of its own (so its servers may be crashed), three
 * reference builders, and per test a small batch of real jobs with one fault injected mid-run: kill
 * -9 of the scheduler, the gateway or the artifact service (then restarted on the same port), kill
 * -9 and SIGSTOP of the broker, a crash of PostgreSQL, and a builder killed while it uploads.
 *
 * <p>After each fault the same invariants must hold (see {@link #assertInvariants}): every job
 * succeeded (an infrastructure fault is never the crate's failure), no attempt was assigned twice,
 * exactly one attempt was accepted as the success, the final attempt's log is complete and in
 * order, every artifact is there with its digest, and the scheduler lists exactly the builders that
 * are alive. Waits are Awaitility with generous limits; nothing asserts how long anything took.
 */
class FaultTests {

    /**
     * Generous: a batch takes well under a minute here, plus a fault and its recovery on a busy
     * two-core machine. Not a budget.
     */
    private static final Duration SETTLE = Duration.ofMinutes(4);

    /** How long the broker stays frozen: longer than a request timeout, shorter than a lease. */
    private static final Duration PAUSE = Duration.ofSeconds(15);

    private static final int BUILDERS = 3;
    private static final int METADATA_JOBS = 5;
    private static final int BINARY_JOBS = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AtomicInteger CRATES = new AtomicInteger();

    @TempDir static Path work;

    private static Cargo cargo;
    private static String target;
    private static LocalStack stack;
    private static CrateForgeSystem system;
    private static CrateForgeClient client;
    private static SourceServer sources;
    private static final Map<String, BuilderProcess> builders = new LinkedHashMap<>();
    private static final Map<String, UUID> builderIds = new LinkedHashMap<>();

    @BeforeAll
    static void startSystem() {
        cargo = RealCargo.orSkip("EVERY FAULT TEST (FaultTests)");
        target = cargo.hostTarget();
        // A stack of its own: these tests crash its servers, which the shared one must never see.
        stack = LocalStack.start(LocalStackOptions.defaults());
        system =
                CrateForgeSystem.start(
                        stack,
                        CrateForgeSystem.Options.defaults(work.resolve("system"))
                                .withLeases("PT20S", "PT5S", "PT1S"));
        client = system.client();
        sources = SourceServer.start(work.resolve("sources"));
        for (int i = 1; i <= BUILDERS; i++) {
            startBuilder("builder-" + i);
        }
    }

    @AfterAll
    static void stopSystem() {
        builders.values().forEach(BuilderProcess::kill);
        if (sources != null) {
            sources.close();
        }
        if (system != null) {
            system.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void schedulerKilledMidRunAndRestarted() {
        Map<UUID, String> jobs = submitBatch("sched");
        awaitSomeRunning(jobs);
        system.scheduler().kill();
        system.scheduler().restart();
        assertInvariants(jobs);
    }

    @Test
    void gatewayKilledMidRunAndRestarted() {
        Map<UUID, String> jobs = submitBatch("gw");
        awaitSomeRunning(jobs);
        system.gateway().kill();
        system.gateway().restart();
        assertInvariants(jobs);
    }

    @Test
    void artifactServiceKilledWhileUploadsAreInFlight() {
        Map<UUID, String> jobs = submitBatch("art");
        awaitStage(jobs, "uploading");
        system.artifacts().kill();
        system.artifacts().restart();
        assertInvariants(jobs);
    }

    @Test
    void brokerKilledMidRunAndRestarted() {
        Map<UUID, String> jobs = submitBatch("kafka");
        awaitSomeRunning(jobs);
        stack.kafka().crash();
        stack.kafka().restart();
        assertInvariants(jobs);
    }

    @Test
    void brokerFrozenMidRunAndResumed() {
        Map<UUID, String> jobs = submitBatch("frozen");
        awaitSomeRunning(jobs);
        stack.kafka().pause();
        try {
            // The fault's length, not a wait for a condition: the broker is frozen meanwhile.
            await().pollDelay(PAUSE).atMost(PAUSE.plusSeconds(5)).until(() -> true);
        } finally {
            stack.kafka().resume();
        }
        assertInvariants(jobs);
    }

    @Test
    void databaseCrashedMidRunAndRestarted() {
        Map<UUID, String> jobs = submitBatch("pg");
        awaitSomeRunning(jobs);
        stack.postgres().crash();
        stack.postgres().restart();
        assertInvariants(jobs);
    }

    @Test
    void builderKilledWhileItUploadsIsReplacedAfterTheLease() {
        Map<UUID, String> jobs = submitBatch("vanish");
        JsonNode uploading = awaitStage(jobs, "uploading");
        String builderId = uploading.path("builderId").asText();
        String name =
                builderIds.entrySet().stream()
                        .filter(e -> e.getValue().toString().equals(builderId))
                        .map(Map.Entry::getKey)
                        .findFirst()
                        .orElseThrow();
        builders.remove(name).kill();
        System.err.printf(
                "killed %s while job %s was uploading (attempt %d)%n",
                name, uploading.path("id").asText(), uploading.path("attempt").asInt());
        try {
            // The other builders must finish its job after the lease or grace runs out.
            assertInvariants(jobs);
        } finally {
            // The machine comes back with the same key, so that the next test has three
            // builders even when this one failed.
            startBuilder(name);
        }
        awaitOnlineBuildersAreTheLiveOnes();
    }

    /** Submits a batch of small metadata jobs and a few binary jobs, each of a crate of its own. */
    private static Map<UUID, String> submitBatch(String tag) {
        Map<UUID, String> jobs = new LinkedHashMap<>();
        for (int i = 0; i < METADATA_JOBS + BINARY_JOBS; i++) {
            boolean binary = i >= METADATA_JOBS;
            String name = "fault-" + tag + "-" + CRATES.incrementAndGet();
            Path dir =
                    binary
                            ? Cargo.writeBinaryCrate(
                                    work.resolve("crates"),
                                    name,
                                    "1.0.0",
                                    "fn main() {\n    println!(\"hello from " + name + "\");\n}\n")
                            : Cargo.writeLibraryCrate(
                                    work.resolve("crates"),
                                    name,
                                    "1.0.0",
                                    "pub fn answer() -> u32 {\n    42\n}\n");
            Path crate = cargo.pack(dir, name, "1.0.0");
            String kind = binary ? "binary" : "metadata";
            UUID id = client.submit(sources, crate, name, "1.0.0", target, kind);
            jobs.put(id, kind);
        }
        return jobs;
    }

    private static void awaitSomeRunning(Map<UUID, String> jobs) {
        await().atMost(SETTLE)
                .pollInterval(Duration.ofMillis(200))
                .alias("a job of the batch running")
                .until(() -> jobs.keySet().stream().anyMatch(id -> running(client.job(id))));
    }

    /** Waits until a job of the batch reports {@code stage}; returns that job. */
    private static JsonNode awaitStage(Map<UUID, String> jobs, String stage) {
        JsonNode[] seen = new JsonNode[1];
        await().atMost(SETTLE)
                .pollInterval(Duration.ofMillis(50))
                .alias("a job of the batch in stage " + stage)
                .until(
                        () -> {
                            for (UUID id : jobs.keySet()) {
                                JsonNode job = client.job(id);
                                if (running(job) && stage.equals(job.path("stage").asText())) {
                                    seen[0] = job;
                                    return true;
                                }
                            }
                            return false;
                        });
        return seen[0];
    }

    private static boolean running(JsonNode job) {
        return "running".equals(job.path("state").asText());
    }

    /** The invariants every fault must leave intact; each failure names the job and what broke. */
    private static void assertInvariants(Map<UUID, String> jobs) {
        Map<UUID, JsonNode> finished = awaitAllTerminal(jobs.keySet());
        List<String> broken = new ArrayList<>();
        for (var entry : finished.entrySet()) {
            JsonNode job = entry.getValue();
            if (!"succeeded".equals(job.path("state").asText())) {
                broken.add(
                        "job "
                                + entry.getKey()
                                + " ended "
                                + job.path("state").asText()
                                + " (attempt "
                                + job.path("attempt").asInt()
                                + ", failureCode "
                                + job.path("failureCode").asText("none")
                                + "): "
                                + job.path("failureReason").asText());
            }
        }
        assertThat(broken).as("jobs that did not succeed").isEmpty();

        String bootstrap = stack.addresses().kafka().bootstrapServers();
        List<JsonNode> assignments =
                KafkaRecords.readAll(
                        bootstrap, Topics.prefixed(system.topicPrefix(), Topics.JOB_ASSIGNMENTS));
        List<JsonNode> states =
                KafkaRecords.readAll(
                        bootstrap, Topics.prefixed(system.topicPrefix(), Topics.JOB_STATES));
        for (var entry : finished.entrySet()) {
            assertJob(
                    entry.getKey(),
                    jobs.get(entry.getKey()),
                    entry.getValue(),
                    assignments,
                    states);
        }
        awaitOnlineBuildersAreTheLiveOnes();
    }

    private static void assertJob(
            UUID jobId,
            String kind,
            JsonNode job,
            List<JsonNode> assignments,
            List<JsonNode> states) {
        int attempt = job.path("attempt").asInt();
        List<JsonNode> assigned =
                assignments.stream()
                        .filter(
                                a ->
                                        a.path("assignment")
                                                .path("jobId")
                                                .asText()
                                                .equals(jobId.toString()))
                        .toList();
        assertThat(assigned)
                .extracting(a -> a.path("assignment").path("attempt").asInt())
                .as("attempts assigned of job %s (each attempt to one builder once)", jobId)
                .doesNotHaveDuplicates()
                .contains(attempt);
        assertThat(assigned)
                .filteredOn(a -> a.path("assignment").path("attempt").asInt() == attempt)
                .extracting(a -> a.path("builderId").asText())
                .as("builder of the final attempt of job %s", jobId)
                .containsExactly(job.path("builderId").asText());

        Set<Integer> succeededAttempts =
                states.stream()
                        .filter(s -> s.path("jobId").asText().equals(jobId.toString()))
                        .filter(s -> "succeeded".equals(s.path("state").asText()))
                        .map(s -> s.path("attempt").asInt())
                        .collect(Collectors.toSet());
        assertThat(succeededAttempts)
                .as("attempts of job %s accepted as the success (built twice to success?)", jobId)
                .containsExactly(attempt);

        List<JsonNode> logs = client.logs(jobId);
        assertThat(logs)
                .extracting(line -> line.path("attempt").asInt())
                .as("attempts in the log of job %s", jobId)
                .containsOnly(attempt);
        // Lines are numbered 1..n on their own; their seq is the builder's event number, which
        // stage and heartbeat events share, so it only has to rise.
        List<Long> numbers = logs.stream().map(line -> line.path("number").asLong()).toList();
        List<Long> expected = new ArrayList<>();
        for (long number = 1; number <= numbers.size(); number++) {
            expected.add(number);
        }
        assertThat(numbers)
                .as("line numbers of job %s (no gap, no duplicate)", jobId)
                .isEqualTo(expected);
        List<Long> seqs = logs.stream().map(line -> line.path("seq").asLong()).toList();
        assertThat(seqs)
                .as("event sequence of the lines of job %s (in order, no duplicate)", jobId)
                .isSorted()
                .doesNotHaveDuplicates();
        assertThat(logs)
                .extracting(line -> line.path("line").asText())
                .as("log of job %s", jobId)
                .anyMatch(line -> line.startsWith("$ cargo"));

        HttpResponse<byte[]> artifact = client.download(jobId, kind);
        String sha256 = sha256(artifact.body());
        assertThat(artifact.headers().firstValue("X-Checksum-Sha256"))
                .as("stored digest of the %s of job %s", kind, jobId)
                .contains(sha256);
        // The provenance may lag the job's state by a delivery; lost for good is what fails.
        String statement = client.awaitProvenanceFile(jobId, "statement", Duration.ofMinutes(2));
        assertThat(statement)
                .as("provenance of job %s", jobId)
                .contains("artifact: " + kind + " sha256:" + sha256)
                .contains("attempt: " + attempt);
    }

    private static Map<UUID, JsonNode> awaitAllTerminal(Set<UUID> jobIds) {
        Map<UUID, JsonNode> finished = new LinkedHashMap<>();
        await().atMost(SETTLE)
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .alias("every job of the batch finished")
                .until(
                        () -> {
                            for (UUID id : jobIds) {
                                if (!finished.containsKey(id)) {
                                    JsonNode job = client.job(id);
                                    if (Set.of("succeeded", "failed", "cancelled")
                                            .contains(job.path("state").asText())) {
                                        finished.put(id, job);
                                    }
                                }
                            }
                            return finished.size() == jobIds.size();
                        });
        return finished;
    }

    /** The scheduler lists exactly the builders whose processes are alive, no stale connection. */
    private static void awaitOnlineBuildersAreTheLiveOnes() {
        Set<String> live =
                builders.entrySet().stream()
                        .filter(e -> e.getValue().isAlive())
                        .map(e -> builderIds.get(e.getKey()).toString())
                        .collect(Collectors.toSet());
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .untilAsserted(
                        () ->
                                assertThat(onlineBuilders())
                                        .as("builders the scheduler lists as online")
                                        .containsExactlyInAnyOrderElementsOf(live));
    }

    private static List<String> onlineBuilders() throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        system.scheduler()
                                                .baseUri()
                                                .resolve("/api/v1/connections/online"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("builders/online answered " + response.statusCode());
        }
        List<String> ids = new ArrayList<>();
        JSON.readTree(response.body()).forEach(b -> ids.add(b.path("builderId").asText()));
        return ids;
    }

    private static void startBuilder(String name) {
        Path keyFile = work.resolve("keys").resolve(name);
        if (!builderIds.containsKey(name)) {
            var key = BuilderProcess.newKey(keyFile);
            builderIds.put(
                    name,
                    client.registerBuilder(
                            name, key.publicKey().openSshLine(), List.of(target), 1));
        }
        builders.put(
                name,
                BuilderProcess.start(
                        name,
                        system.builderUrl(system.gateway()),
                        keyFile,
                        List.of(target),
                        work.resolve("builders"),
                        "--slots=1"));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
