package dev.crateforge.artifact.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.TestKafka;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.localstack.DatabaseOutage;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The database goes away while a job state arrives: the consumer waits for it instead of
 * dead-lettering or committing the record, and applies it once the database is back.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class DatabaseOutageTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject ArtifactCatalog catalog;
    @Inject MeterRegistry registry;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Test
    void aJobStateArrivingWhileTheDatabaseIsDownIsAppliedOnceItIsBack() throws Exception {
        TestJobs job =
                new TestJobs(
                        catalog,
                        "do" + UUID.randomUUID().toString().substring(0, 8),
                        "1.0.0",
                        ArtifactKind.BINARY);
        double before = retries();
        try (KafkaConsumer<String, byte[]> dead =
                TestKafka.consumer(Topics.ARTIFACT_DEAD_LETTERS)) {
            try (DatabaseOutage outage = DatabaseOutage.of(jdbcUrl)) {
                job.moveToWithoutWaiting(1, JobState.ASSIGNED);
                // The consumer met the outage and waits, before the database returns.
                await().atMost(WAIT).until(() -> retries() > before);
            }
            await().atMost(WAIT).ignoreExceptions().until(() -> catalog.job(job.jobId).isPresent());
            assertThat(catalog.job(job.jobId).orElseThrow().state)
                    .isEqualTo(JobState.ASSIGNED.wireName());
            List<String> deadLetters = new ArrayList<>();
            long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : TestKafka.poll(dead)) {
                    deadLetters.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            assertThat(deadLetters).noneMatch(v -> v.contains(job.jobId.toString()));
        }
    }

    private double retries() {
        double sum = 0;
        for (Counter counter :
                registry.find("crateforge.consumer.retries")
                        .tag("channel", JobStateConsumer.CHANNEL)
                        .counters()) {
            sum += counter.count();
        }
        return sum;
    }
}
