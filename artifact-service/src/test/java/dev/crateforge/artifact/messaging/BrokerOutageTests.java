package dev.crateforge.artifact.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.TestKafka;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.localstack.LocalStack;
import dev.crateforge.localstack.ServerControl;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.ArtifactStored;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * The broker is frozen while a builder uploads: the upload is answered 201 as soon as the artifact
 * and its outbox row committed, the relay's passes fail (and are counted) while the broker stays
 * frozen, and the {@code ArtifactStored} record reaches the topic once the broker is back. The
 * relay waits 3 s for an acknowledgement here (30 s in production), so that a pass fails soon.
 */
@QuarkusTest
@TestProfile(BrokerOutageTests.ShortSendTimeout.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class BrokerOutageTests {

    private static final Duration WAIT = Duration.ofSeconds(90);

    public static class ShortSendTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("crateforge.outbox.send-timeout", "PT3S");
        }
    }

    @Inject ArtifactCatalog catalog;
    @Inject MeterRegistry meters;

    @Test
    void anUploadWhileTheBrokerIsDownIsStoredAndAnnouncedOnceItIsBack() {
        ServerControl broker = ownedBroker();
        TestJobs job =
                new TestJobs(
                                catalog,
                                "bo" + UUID.randomUUID().toString().substring(0, 8),
                                "1.0.0",
                                ArtifactKind.BINARY)
                        .moveTo(1, JobState.ASSIGNED)
                        .moveTo(1, JobState.RUNNING);
        byte[] bytes = TestArtifacts.binary(10_000);
        String sha256 = TestJobs.sha256(bytes);
        try (KafkaConsumer<String, byte[]> consumer = TestKafka.consumer(Topics.ARTIFACTS)) {
            // Joined and positioned before the broker stops answering.
            TestKafka.poll(consumer);
            double failedBefore = failedPasses();
            broker.pause();
            try {
                given().header("Authorization", "Bearer " + job.token(1))
                        .contentType("application/octet-stream")
                        .body(bytes)
                        .when()
                        .put(job.uploadPath())
                        .then()
                        .statusCode(201);
                assertThat(catalog.ofAttempt(job.jobId, 1, ArtifactKind.BINARY)).isPresent();
                await().atMost(WAIT).until(() -> failedPasses() >= failedBefore + 1);
            } finally {
                broker.resume();
            }
            ArtifactStored announced =
                    await().atMost(WAIT)
                            .until(() -> storedRecord(consumer, job.jobId), r -> r != null);
            assertThat(announced.sha256()).isEqualTo(sha256);
            assertThat(announced.attempt()).isEqualTo(1);
        }
    }

    private double failedPasses() {
        return meters.counter("crateforge.outbox.failed.passes").count();
    }

    /** The broker of this JVM's own stack; skipped when the stack belongs to another JVM. */
    private static ServerControl ownedBroker() {
        try {
            return LocalStack.shared().kafka();
        } catch (IllegalStateException attached) {
            assumeTrue(false, "the local stack is attached: its broker cannot be stopped here");
            throw attached;
        }
    }

    private static ArtifactStored storedRecord(KafkaConsumer<String, byte[]> consumer, UUID jobId)
            throws Exception {
        for (ConsumerRecord<String, byte[]> r : TestKafka.poll(consumer)) {
            if (r.key().equals(jobId.toString())) {
                return RecordCodec.decode(r.value(), ArtifactStored.class);
            }
        }
        return null;
    }
}
