package dev.crateforge.scheduler.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.localstack.DatabaseOutage;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.ArtifactStored;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.LogStream;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.support.Fixtures;
import dev.crateforge.scheduler.support.SchedulerTest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The database goes away while records arrive on every inbound topic: the consumers wait for it,
 * and once it is back every record is processed and none is dead-lettered.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class OutageTests extends SchedulerTest {

    private static final String TARGET = "o01-unknown-test";
    private static final List<String> CHANNELS =
            List.of(
                    Channels.JOB_EVENTS,
                    Channels.JOB_REQUESTS,
                    Channels.BUILDER_CONNECTIONS,
                    Channels.ARTIFACTS);

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Inject MeterRegistry registry;

    @Test
    void recordsArrivingWhileTheDatabaseIsDownAreAllProcessedOnceItIsBack() throws Exception {
        UUID running = UUID.randomUUID();
        Job started = submissions.submit(Fixtures.job("outage-a", "1.0.0", TARGET)).job();
        assertThat(assignments.requestReceived(Fixtures.request(running, "o1-a", TARGET, 1)))
                .isEqualTo(1);
        Job waiting = submissions.submit(Fixtures.job("outage-b", "1.0.0", TARGET)).job();
        UUID newcomer = UUID.randomUUID();
        Map<String, Double> before = retries();

        try (var dead = kafka.reader(Topics.SCHEDULER_DEAD_LETTERS, byte[].class)) {
            try (DatabaseOutage outage = DatabaseOutage.of(jdbcUrl)) {
                for (long seq = 1; seq <= 5; seq++) {
                    kafka.send(
                            Topics.JOB_EVENTS,
                            started.id.toString(),
                            new JobActivity.EventReported(
                                    started.id,
                                    1,
                                    running,
                                    seq,
                                    new JobEventBody.Log(LogStream.STDOUT, "line " + seq),
                                    Instant.now()));
                }
                kafka.send(
                        Topics.BUILDER_CONNECTIONS,
                        newcomer.toString(),
                        new BuilderConnectionChange.Connected(
                                newcomer, "outage-builder", "o1-b", "gateway-1", Instant.now()));
                kafka.send(
                        Topics.JOB_REQUESTS,
                        newcomer.toString(),
                        Fixtures.request(newcomer, "o1-b", TARGET, 1));
                kafka.send(
                        Topics.ARTIFACTS,
                        started.id.toString(),
                        new ArtifactStored(
                                started.id,
                                1,
                                ArtifactKind.BINARY,
                                "b".repeat(64),
                                10L,
                                Instant.now()));
                // Every consumer has met the outage (and is waiting) before the database returns.
                await().atMost(WAIT)
                        .until(
                                () ->
                                        CHANNELS.stream()
                                                .allMatch(
                                                        c ->
                                                                retries().getOrDefault(c, 0.0)
                                                                        > before.getOrDefault(
                                                                                c, 0.0)));
            }

            await().atMost(WAIT)
                    .ignoreExceptions()
                    .until(
                            () ->
                                    db.count(
                                                    "select count(*) from job_log where job_id = '"
                                                            + started.id
                                                            + "'")
                                            == 5);
            assertThat(db.job(started.id).state).isEqualTo(JobState.RUNNING);
            await().atMost(WAIT)
                    .ignoreExceptions()
                    .until(() -> newcomer.equals(db.job(waiting.id).builderId));
            assertThat(db.job(waiting.id).state).isEqualTo(JobState.ASSIGNED);
            await().atMost(WAIT)
                    .ignoreExceptions()
                    .until(
                            () ->
                                    db.count(
                                                    "select count(*) from job_artifact where"
                                                            + " job_id = '"
                                                            + started.id
                                                            + "'")
                                            == 1);
            assertThat(
                            given().get("/api/v1/connections/online")
                                    .then()
                                    .statusCode(200)
                                    .extract()
                                    .jsonPath()
                                    .getList("connectionId", String.class))
                    .contains("o1-b");
            // Nothing of this test reached the dead-letter topic (shared with poison tests).
            List<String> deadLetters =
                    dead.drain(Duration.ofSeconds(2)).stream()
                            .map(e -> new String(e.getValue(), StandardCharsets.UTF_8))
                            .toList();
            assertThat(deadLetters)
                    .noneMatch(
                            v ->
                                    v.contains(started.id.toString())
                                            || v.contains(newcomer.toString()));
        }
    }

    /** Retries counted so far per channel. */
    private Map<String, Double> retries() {
        Map<String, Double> counts = new java.util.HashMap<>();
        for (Counter counter : registry.find("crateforge.consumer.retries").counters()) {
            counts.put(counter.getId().getTag("channel"), counter.count());
        }
        return counts;
    }
}
