package dev.crateforge.gateway.messaging;

import static dev.crateforge.gateway.support.BuilderClient.closed;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.gateway.config.GatewayInstance;
import dev.crateforge.gateway.service.GatewayMetrics;
import dev.crateforge.gateway.support.BuilderClient;
import dev.crateforge.gateway.support.GatewayTest;
import dev.crateforge.gateway.support.KafkaProbe;
import dev.crateforge.gateway.support.KafkaProbe.Received;
import dev.crateforge.gateway.support.Operators;
import dev.crateforge.gateway.support.TestKeys;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.contract.SocketClose;
import dev.crateforge.protocol.contract.SocketError;
import dev.crateforge.protocol.contract.TextLimits;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.kafka.BuilderControl;
import dev.crateforge.protocol.kafka.GatewayHeartbeat;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.CancelJob;
import dev.crateforge.protocol.message.ErrorMessage;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.JobEvent;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.JobRequest;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.message.JobResponseAccepted;
import dev.crateforge.protocol.message.Jobs;
import dev.crateforge.protocol.message.LogStream;
import dev.crateforge.protocol.provenance.BuildFacts;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.InternalParameters;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.Toolchain;
import dev.crateforge.protocol.provenance.DsseEnvelope;
import dev.crateforge.protocol.provenance.ProvenanceEnvelopes;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Builder messages to Kafka records and back, against the real broker of the local stack. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class BridgeTests extends GatewayTest {

    @Inject GatewayInstance instance;
    private static final String LINUX = "x86_64-unknown-linux-gnu";
    private static final String MAC = "aarch64-apple-darwin";
    private static final String SHA = "a".repeat(64);

    @Inject GatewayMetrics metrics;

    /**
     * The gateway reads assignments and control records from "latest": wait until both consumers
     * are positioned, by feeding records no builder here holds until they are counted.
     */
    @BeforeEach
    void consumersPositioned() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            if (metrics.consumedCount(Channels.JOB_ASSIGNMENTS) == 0) {
                                UUID nobody = UUID.randomUUID();
                                KafkaProbe.produce(
                                        Topics.JOB_ASSIGNMENTS,
                                        nobody.toString(),
                                        assigned(
                                                nobody,
                                                "none",
                                                "gateway-elsewhere",
                                                UUID.randomUUID()));
                            }
                            if (metrics.consumedCount(Channels.BUILDER_CONTROL) == 0) {
                                UUID nobody = UUID.randomUUID();
                                KafkaProbe.produce(
                                        Topics.BUILDER_CONTROL,
                                        nobody.toString(),
                                        new BuilderControl.CancelAttempt(
                                                nobody, UUID.randomUUID(), 1, "warm-up"));
                            }
                            return metrics.consumedCount(Channels.JOB_ASSIGNMENTS) > 0
                                    && metrics.consumedCount(Channels.BUILDER_CONTROL) > 0;
                        });
    }

    @Test
    void jobRequestReachesKafkaWithinAllowedTargetsAndLimit() throws Exception {
        UUID id =
                registry.register(
                                "owned-builder",
                                TestKeys.publicLine("ed25519"),
                                List.of(LINUX),
                                2,
                                true,
                                "acme-builds")
                        .getId();
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));

        client.send(new JobRequest(List.of(LINUX, MAC), 4));

        Received<JobRequested> record =
                KafkaProbe.awaitRecord(
                        Topics.JOB_REQUESTS,
                        JobRequested.class,
                        r -> r.value().builderId().equals(id));
        assertThat(record.key()).isEqualTo(id.toString());
        assertThat(record.value().connectionId()).isEqualTo(client.connectionId());
        assertThat(record.value().gatewayInstance()).isEqualTo(instance.name());
        assertThat(record.value().targets()).containsExactly(LINUX);
        assertThat(record.value().freeSlots()).isEqualTo(2);
        assertThat(record.value().concurrencyLimit()).isEqualTo(2);
        assertThat(record.value().owner()).isEqualTo("acme-builds");
        assertThat(record.value().gatewayInstance()).startsWith("gateway-test-a~");
    }

    @Test
    void refusesRequestForTargetsTheBuilderMayNotBuild() throws Exception {
        register("ed25519", List.of(LINUX), 1, true);
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));

        client.send(new JobRequest(List.of(MAC), 1));

        ErrorMessage error = client.next(ErrorMessage.class);
        assertThat(error.code()).isEqualTo(SocketError.NO_ALLOWED_TARGET.wireName());
        assertThat(client.isClosed()).isFalse();
    }

    @Test
    void assignmentReachesTheRightSocketAndNoOther() throws Exception {
        UUID a = register("ed25519");
        UUID b = register("ecdsa256");
        BuilderClient clientA = connect();
        clientA.authenticate(TestKeys.privateKey("ed25519"));
        BuilderClient clientB = connect();
        clientB.authenticate(TestKeys.privateKey("ecdsa256"));
        UUID job = UUID.randomUUID();

        KafkaProbe.produce(
                Topics.JOB_ASSIGNMENTS,
                a.toString(),
                assigned(a, clientA.connectionId(), instance.name(), job));

        Jobs jobs = clientA.next(Jobs.class);
        assertThat(jobs.jobs()).extracting(JobAssignment::jobId).containsExactly(job);
        assertThat(jobs.jobs().get(0).jobToken()).isEqualTo("token-" + job);
        assertThat(clientB.poll(Duration.ofSeconds(2))).isNull();
        assertThat(b).isNotEqualTo(a);
    }

    @Test
    void undecodableAssignmentGoesToTheDeadLetterTopicAndTheChannelKeepsWorking() throws Exception {
        UUID a = register("ed25519");
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));
        String poison = "{\"builderId\":\"" + a + "\",\"poison\":true}";
        UUID job = UUID.randomUUID();

        KafkaProbe.produceRaw(
                Topics.JOB_ASSIGNMENTS, a.toString(), poison.getBytes(StandardCharsets.UTF_8));
        KafkaProbe.produce(
                Topics.JOB_ASSIGNMENTS,
                a.toString(),
                assigned(a, client.connectionId(), instance.name(), job));

        assertThat(client.next(Jobs.class).jobs().get(0).jobId()).isEqualTo(job);
        Received<String> dead =
                KafkaProbe.awaitRawRecord(
                        Topics.GATEWAY_DEAD_LETTERS, r -> r.value().equals(poison));
        assertThat(dead.key()).isEqualTo(a.toString());
    }

    @Test
    void assignmentForAnotherGatewayInstanceIsLeftAlone() throws Exception {
        UUID a = register("ed25519");
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));
        UUID job = UUID.randomUUID();

        KafkaProbe.produce(
                Topics.JOB_ASSIGNMENTS,
                a.toString(),
                assigned(a, client.connectionId(), "gateway-other", job));

        assertThat(client.poll(Duration.ofSeconds(2))).isNull();
        assertThat(
                        KafkaProbe.recordsWithin(
                                Topics.JOB_EVENTS,
                                JobActivity.class,
                                r -> r.value().jobId().equals(job),
                                Duration.ofSeconds(1)))
                .isEmpty();
    }

    @Test
    void assignmentForAConnectionThatIsGoneIsReportedUndeliverable() {
        UUID a = register("ed25519");
        UUID job = UUID.randomUUID();

        KafkaProbe.produce(
                Topics.JOB_ASSIGNMENTS,
                a.toString(),
                assigned(a, "closed-connection", instance.name(), job));

        Received<JobActivity> record =
                KafkaProbe.awaitRecord(
                        Topics.JOB_EVENTS, JobActivity.class, r -> r.value().jobId().equals(job));
        assertThat(record.key()).isEqualTo(job.toString());
        assertThat(record.value()).isInstanceOf(JobActivity.Undeliverable.class);
        assertThat(((JobActivity.Undeliverable) record.value()).connectionId())
                .isEqualTo("closed-connection");
    }

    @Test
    void jobEventsReachKafkaInOrderKeyedByJob() throws Exception {
        UUID id = register("ed25519");
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));
        UUID job = UUID.randomUUID();

        for (long seq = 1; seq <= 5; seq++) {
            client.send(
                    new JobEvent(
                            job, 1, seq, new JobEventBody.Log(LogStream.STDOUT, "line " + seq)));
        }
        // Larger than the pre-authentication limit: accepted once authenticated.
        client.send(
                new JobEvent(
                        job, 1, 6L, new JobEventBody.Log(LogStream.STDERR, "y".repeat(12000))));

        List<Received<JobActivity>> records =
                KafkaProbe.awaitRecords(
                        Topics.JOB_EVENTS,
                        JobActivity.class,
                        r -> r.value().jobId().equals(job),
                        6);
        assertThat(records).extracting(Received::key).containsOnly(job.toString());
        assertThat(records)
                .extracting(r -> ((JobActivity.EventReported) r.value()).seq())
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(records)
                .extracting(r -> ((JobActivity.EventReported) r.value()).builderId())
                .containsOnly(id);
    }

    @Test
    void signedJobResponseCompletesTheJobAfterKafkaHasIt() throws Exception {
        UUID id = register("ed25519");
        SshPrivateKey key = TestKeys.privateKey("ed25519");
        BuilderClient client = connect();
        client.authenticate(key);
        UUID job = UUID.randomUUID();
        JobResponse response = response(job, key, key, BuilderProtocol.BUILD_NAMESPACE, 1);

        client.send(response);

        assertThat(client.next(JobResponseAccepted.class).jobId()).isEqualTo(job);
        Received<JobActivity> record =
                KafkaProbe.awaitRecord(
                        Topics.JOB_EVENTS, JobActivity.class, r -> r.value().jobId().equals(job));
        JobActivity.Completed completed = (JobActivity.Completed) record.value();
        assertThat(completed.builderId()).isEqualTo(id);
        assertThat(completed.statement()).isEqualTo(response.statement());
        assertThat(completed.signature()).isEqualTo(response.signature());
        assertThat(completed.builderPublicKey())
                .isEqualTo(key.publicKey().openSshLine())
                .startsWith("ssh-ed25519 ");
        assertThat(completed.result()).isEqualTo(JobResult.SUCCEEDED);
    }

    @Test
    void theProvenanceEnvelopeOfAResponseIsHandedOnUnchanged() throws Exception {
        register("ecdsa256");
        SshPrivateKey key = TestKeys.privateKey("ecdsa256");
        BuilderClient client = connect();
        client.authenticate(key);
        UUID job = UUID.randomUUID();
        JobResponse plain = response(job, key, key, BuilderProtocol.BUILD_NAMESPACE, 1);
        DsseEnvelope envelope =
                ProvenanceEnvelopes.sign(
                        key,
                        ProvenanceEnvelopes.statement(
                                new BuildFacts(
                                        job,
                                        1,
                                        "serde",
                                        "1.0.210",
                                        LINUX,
                                        ArtifactKind.BINARY,
                                        "https://static.crates.example/serde-1.0.210.crate",
                                        SHA,
                                        plain.artifacts()),
                                key.publicKey(),
                                new InternalParameters(
                                        new Toolchain("rustc 1.83.0\n", "cargo 1.83.0\n"),
                                        "none",
                                        false,
                                        Map.of()),
                                Instant.parse("2026-12-05T10:00:00Z"),
                                Instant.parse("2026-12-05T10:00:30Z")));
        JobResponse response =
                new JobResponse(
                        job,
                        1,
                        plain.result(),
                        null,
                        null,
                        plain.artifacts(),
                        plain.statement(),
                        plain.signature(),
                        envelope);

        client.send(response);

        assertThat(client.next(JobResponseAccepted.class).jobId()).isEqualTo(job);
        Received<JobActivity> record =
                KafkaProbe.awaitRecord(
                        Topics.JOB_EVENTS, JobActivity.class, r -> r.value().jobId().equals(job));
        assertThat(((JobActivity.Completed) record.value()).provenance()).isEqualTo(envelope);
    }

    @Test
    void refusesJobResponseSignedByAnotherKey() throws Exception {
        register("ed25519");
        SshPrivateKey key = TestKeys.privateKey("ed25519");
        BuilderClient client = connect();
        client.authenticate(key);
        UUID job = UUID.randomUUID();

        client.send(
                response(
                        job,
                        key,
                        TestKeys.privateKey("other-ed25519"),
                        BuilderProtocol.BUILD_NAMESPACE,
                        1));

        ErrorMessage error = client.next(ErrorMessage.class);
        assertThat(error.code()).isEqualTo("invalid_signature");
        assertThat(error.jobId()).isEqualTo(job);
        assertThat(noActivity(job)).isTrue();
    }

    @Test
    void refusesJobResponseSignedInTheAuthNamespace() throws Exception {
        register("ed25519");
        SshPrivateKey key = TestKeys.privateKey("ed25519");
        BuilderClient client = connect();
        client.authenticate(key);
        UUID job = UUID.randomUUID();

        client.send(response(job, key, key, BuilderProtocol.AUTH_NAMESPACE, 1));

        assertThat(client.next(ErrorMessage.class).code()).isEqualTo("invalid_signature");
        assertThat(noActivity(job)).isTrue();
    }

    @Test
    void refusesStatementThatDisagreesWithTheResponse() throws Exception {
        register("ed25519");
        SshPrivateKey key = TestKeys.privateKey("ed25519");
        BuilderClient client = connect();
        client.authenticate(key);
        UUID job = UUID.randomUUID();
        JobResponse signedForAttempt2 = response(job, key, key, BuilderProtocol.BUILD_NAMESPACE, 2);

        client.send(
                new JobResponse(
                        job,
                        1,
                        signedForAttempt2.result(),
                        null,
                        null,
                        signedForAttempt2.artifacts(),
                        signedForAttempt2.statement(),
                        signedForAttempt2.signature()));

        assertThat(client.next(ErrorMessage.class).code()).isEqualTo("invalid_statement");
        assertThat(noActivity(job)).isTrue();
    }

    @Test
    void cancelControlRecordReachesTheBuilder() throws Exception {
        UUID id = register("ed25519");
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));
        UUID job = UUID.randomUUID();

        KafkaProbe.produce(
                Topics.BUILDER_CONTROL,
                id.toString(),
                new BuilderControl.CancelAttempt(id, job, 3, "cancelled by a user"));

        CancelJob cancel = client.next(CancelJob.class);
        assertThat(cancel.jobId()).isEqualTo(job);
        assertThat(cancel.attempt()).isEqualTo(3);
    }

    @Test
    void unknownJobControlRecordReachesTheBuilderAsAnError() throws Exception {
        UUID id = register("ed25519");
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));
        UUID job = UUID.randomUUID();

        KafkaProbe.produce(
                Topics.BUILDER_CONTROL,
                id.toString(),
                new BuilderControl.UnknownJob(id, job, 2, "attempt 2 was reassigned"));

        ErrorMessage error = client.next(ErrorMessage.class);
        assertThat(error.code()).isEqualTo(SocketError.UNKNOWN_JOB.wireName());
        assertThat(error.jobId()).isEqualTo(job);
        assertThat(error.message()).contains("attempt 2 was reassigned");
        assertThat(client.isClosed()).isFalse();
    }

    @Test
    void requestAboveTheLimitIsCappedNeverRefusedAsBusy() throws Exception {
        UUID id = register("ed25519", List.of(), 1, true);
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));

        client.send(new JobRequest(List.of(LINUX), 8));
        client.send(new JobRequest(List.of(LINUX), 8));

        List<Received<JobRequested>> records =
                KafkaProbe.awaitRecords(
                        Topics.JOB_REQUESTS,
                        JobRequested.class,
                        r -> r.value().builderId().equals(id),
                        2);
        assertThat(records).allSatisfy(r -> assertThat(r.value().freeSlots()).isEqualTo(1));
        assertThat(records).allSatisfy(r -> assertThat(r.value().concurrencyLimit()).isEqualTo(1));
        assertThat(client.poll(Duration.ofMillis(500))).isNull();
    }

    @Test
    void anOverlongLogLineIsForwardedCutAndTheConnectionStaysOpen() throws Exception {
        register("ed25519");
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));
        UUID job = UUID.randomUUID();
        // 9,000 emoji: 18,000 UTF-16 units, 36,000 bytes of UTF-8.
        String line = "\uD83E\uDD80".repeat(9000);

        client.sendText(
                "{\"type\":\"job_event\",\"jobId\":\""
                        + job
                        + "\",\"attempt\":1,\"seq\":1,\"event\":{\"type\":\"log\",\"stream\":\"stdout\",\"line\":\""
                        + line
                        + "\"}}");

        Received<JobActivity> record =
                KafkaProbe.awaitRecord(
                        Topics.JOB_EVENTS, JobActivity.class, r -> r.value().jobId().equals(job));
        String kept =
                ((JobEventBody.Log) ((JobActivity.EventReported) record.value()).event()).line();
        assertThat(kept).endsWith(TextLimits.CUT_MARKER).startsWith("\uD83E\uDD80");
        assertThat(kept.getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(TextLimits.MAX_LOG_LINE_BYTES);
        assertThat(client.isClosed()).isFalse();
    }

    @Test
    void heartbeatsNameThisProcessAndItsPod() {
        Received<GatewayHeartbeat> beat =
                KafkaProbe.awaitRecord(
                        Topics.GATEWAY_HEARTBEATS,
                        GatewayHeartbeat.class,
                        r -> r.value().gatewayInstance().equals(instance.name()));
        assertThat(beat.key()).isEqualTo(instance.name());
        assertThat(beat.value().pod()).isEqualTo("gateway-test-a");
        assertThat(beat.value().leaseSeconds()).isEqualTo(20);
    }

    @Test
    void disconnectControlRecordClosesTheBuilder() throws Exception {
        UUID id = register("ed25519");
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));

        KafkaProbe.produce(
                Topics.BUILDER_CONTROL,
                id.toString(),
                new BuilderControl.Disconnect(id, "disabled on another replica"));

        assertThat(client.awaitClose()).isEqualTo(closed(SocketClose.BUILDER_REVOKED));
    }

    @Test
    void disablingABuilderKicksItAndTellsEveryReplica() throws Exception {
        UUID id = register("ed25519");
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));

        given().auth()
                .oauth2(Operators.admin())
                .post("/api/v1/builders/" + id + "/disable")
                .then()
                .statusCode(200);

        assertThat(client.awaitClose()).isEqualTo(closed(SocketClose.BUILDER_REVOKED));
        Received<BuilderControl> control =
                KafkaProbe.awaitRecord(
                        Topics.BUILDER_CONTROL,
                        BuilderControl.class,
                        r -> r.value().builderId().equals(id));
        assertThat(control.value()).isInstanceOf(BuilderControl.Disconnect.class);
        BuilderClient again = connect();
        again.hello(TestKeys.fingerprint("ed25519"));
        again.answer(TestKeys.privateKey("ed25519"));
        assertThat(again.awaitClose().reason())
                .isEqualTo(SocketClose.AUTHENTICATION_FAILED.reason());
    }

    @Test
    void deletingABuilderKicksIt() throws Exception {
        UUID id = register("ed25519");
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));

        given().auth()
                .oauth2(Operators.admin())
                .delete("/api/v1/builders/" + id)
                .then()
                .statusCode(204);

        assertThat(client.awaitClose().reason()).isEqualTo(SocketClose.BUILDER_REVOKED.reason());
    }

    @Test
    void connectsAndDisconnectsArePublished() throws Exception {
        List<Received<BuilderConnectionChange>> changes =
                connectionRecordsWhenLeaving(BuilderClient::close);
        assertThat(changes.get(1).value()).isInstanceOf(BuilderConnectionChange.Disconnected.class);
    }

    @Test
    void aConnectionDroppedWithoutACloseFrameIsPublishedAsADisconnect() throws Exception {
        List<Received<BuilderConnectionChange>> changes =
                connectionRecordsWhenLeaving(BuilderClient::abort);
        assertThat(changes.get(1).value())
                .isInstanceOfSatisfying(
                        BuilderConnectionChange.Disconnected.class,
                        gone -> assertThat(gone.reason()).contains("closed by the builder"));
    }

    /**
     * Authenticates a freshly registered builder, lets it leave as {@code leave} does, and returns
     * the connection's two records (checked: keyed by the builder, Connected first).
     */
    private List<Received<BuilderConnectionChange>> connectionRecordsWhenLeaving(
            Consumer<BuilderClient> leave) throws Exception {
        UUID id = register("ed25519");
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));
        String connectionId = client.connectionId();
        leave.accept(client);

        List<Received<BuilderConnectionChange>> changes =
                KafkaProbe.awaitRecords(
                        Topics.BUILDER_CONNECTIONS,
                        BuilderConnectionChange.class,
                        r -> r.value().connectionId().equals(connectionId),
                        2);
        assertThat(changes).extracting(Received::key).containsOnly(id.toString());
        assertThat(changes.get(0).value()).isInstanceOf(BuilderConnectionChange.Connected.class);
        return changes;
    }

    private boolean noActivity(UUID job) {
        return KafkaProbe.recordsWithin(
                        Topics.JOB_EVENTS,
                        JobActivity.class,
                        r -> r.value().jobId().equals(job),
                        Duration.ofSeconds(2))
                .isEmpty();
    }

    private static JobAssigned assigned(
            UUID builder, String connection, String instance, UUID job) {
        return new JobAssigned(
                builder,
                connection,
                instance,
                new JobAssignment(
                        job,
                        1,
                        "serde",
                        "1.0.210",
                        "https://static.crates.example/crates/serde/serde-1.0.210.crate",
                        SHA,
                        LINUX,
                        ArtifactKind.BINARY,
                        "http://artifacts.test/api/v1/jobs/" + job + "/artifacts/binary",
                        "token-" + job,
                        3600,
                        null),
                Instant.now());
    }

    /** A response whose statement names {@code builderKey} and is signed by {@code signer}. */
    private static JobResponse response(
            UUID job, SshPrivateKey builderKey, SshPrivateKey signer, String namespace, int attempt)
            throws Exception {
        List<ArtifactDigest> artifacts =
                List.of(new ArtifactDigest(ArtifactKind.BINARY, SHA, 1234L));
        BuildStatement statement =
                new BuildStatement(
                        job,
                        attempt,
                        builderKey.publicKey().fingerprint(),
                        "serde",
                        "1.0.210",
                        LINUX,
                        ArtifactKind.BINARY,
                        SHA,
                        JobResult.SUCCEEDED,
                        artifacts);
        String text = statement.render();
        String signature = signer.sign(namespace, text.getBytes(StandardCharsets.UTF_8)).armored();
        return new JobResponse(
                job, attempt, JobResult.SUCCEEDED, null, null, artifacts, text, signature);
    }
}
