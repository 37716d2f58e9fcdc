package dev.crateforge.artifact.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.TestKafka;
import dev.crateforge.artifact.repository.JobAttempt;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.JobStateChanged;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * The job-state channel takes a poll in one transaction: a record the database refuses is
 * dead-lettered alone and the others of its poll are applied, and a poll delivered again changes
 * nothing. The records of one test are produced back to back under one key, so that they land in
 * one partition, in order, and are usually polled together (the consumer does not read keys; on the
 * topic they are keyed by job).
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class JobStateBatchTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject ArtifactCatalog catalog;
    @Inject AgroalDataSource dataSource;

    private static String crate(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map.Entry<String, byte[]> change(
            String key, UUID job, String crate, JobState state, Instant at) {
        return Map.entry(
                key,
                RecordCodec.encode(
                        new JobStateChanged(
                                job,
                                1,
                                state,
                                UUID.randomUUID(),
                                crate,
                                "1.0.0",
                                TestJobs.TARGET,
                                ArtifactKind.BINARY,
                                null,
                                at)));
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void aStateTheDatabaseRefusesIsDeadLetteredAloneAndTheRestOfItsPollApplied()
            throws SQLException {
        UUID first = UUID.randomUUID();
        UUID refused = UUID.randomUUID();
        UUID last = UUID.randomUUID();
        String refusedCrate = crate("refused");
        String key = first.toString();
        Instant at = Instant.now();
        // The database refuses this one crate, as it would a record breaking a rule of its own.
        execute(
                "alter table job_attempt add constraint refused_in_test check (crate <> '"
                        + refusedCrate
                        + "') not valid");
        try (KafkaConsumer<String, byte[]> dead =
                TestKafka.consumer(Topics.ARTIFACT_DEAD_LETTERS)) {
            TestKafka.publishAllRaw(
                    Topics.JOB_STATES,
                    List.of(
                            change(key, first, crate("first"), JobState.ASSIGNED, at),
                            change(key, refused, refusedCrate, JobState.ASSIGNED, at),
                            change(key, last, crate("last"), JobState.ASSIGNED, at)));
            await().atMost(WAIT)
                    .until(() -> catalog.job(first).isPresent() && catalog.job(last).isPresent());
            List<String> deadLetters = new ArrayList<>();
            await().atMost(WAIT)
                    .until(
                            () -> {
                                TestKafka.poll(dead)
                                        .forEach(
                                                r ->
                                                        deadLetters.add(
                                                                new String(
                                                                        r.value(),
                                                                        StandardCharsets.UTF_8)));
                                return deadLetters.stream()
                                        .anyMatch(v -> v.contains(refused.toString()));
                            });
            assertThat(deadLetters)
                    .noneMatch(v -> v.contains(first.toString()))
                    .noneMatch(v -> v.contains(last.toString()));
        } finally {
            execute("alter table job_attempt drop constraint refused_in_test");
        }
        assertThat(catalog.job(refused)).isEmpty();
    }

    @Test
    void aPollOfStatesDeliveredAgainChangesNothing() {
        UUID one = UUID.randomUUID();
        UUID two = UUID.randomUUID();
        UUID marker = UUID.randomUUID();
        String key = one.toString();
        Instant at = Instant.now();
        String crateOne = crate("again");
        List<Map.Entry<String, byte[]>> poll =
                List.of(
                        change(key, one, crateOne, JobState.ASSIGNED, at),
                        change(key, two, crate("again"), JobState.ASSIGNED, at),
                        // A job named twice in one poll sees its first change before its second.
                        change(key, one, crateOne, JobState.RUNNING, at.plusSeconds(1)));
        TestKafka.publishAllRaw(Topics.JOB_STATES, poll);
        await().atMost(WAIT)
                .until(
                        () ->
                                catalog.job(one).map(j -> j.state.equals("running")).orElse(false)
                                        && catalog.job(two).isPresent());
        JobAttempt oneBefore = catalog.job(one).orElseThrow();
        JobAttempt twoBefore = catalog.job(two).orElseThrow();

        // The same poll again (a redelivery after a crash before the commit to Kafka), then a
        // record behind it in the same partition: once that one is applied, so is the replay.
        List<Map.Entry<String, byte[]>> again = new ArrayList<>(poll);
        again.add(change(key, marker, crate("marker"), JobState.ASSIGNED, at));
        TestKafka.publishAllRaw(Topics.JOB_STATES, again);
        await().atMost(WAIT).until(() -> catalog.job(marker).isPresent());

        JobAttempt oneAfter = catalog.job(one).orElseThrow();
        JobAttempt twoAfter = catalog.job(two).orElseThrow();
        assertThat(oneAfter.state).isEqualTo("running");
        assertThat(oneAfter.updatedAt).isEqualTo(oneBefore.updatedAt);
        assertThat(oneAfter.changedAt).isEqualTo(oneBefore.changedAt);
        assertThat(twoAfter.state).isEqualTo("assigned");
        assertThat(twoAfter.updatedAt).isEqualTo(twoBefore.updatedAt);
    }
}
