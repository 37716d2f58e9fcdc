package dev.crateforge.scheduler.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.ArtifactStored;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.LogStream;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.support.Fixtures;
import dev.crateforge.scheduler.support.SchedulerTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The artifacts and builder-connections channels take a poll in one transaction, the job-events
 * channel one per level of its poll: a record the database refuses is dead-lettered alone and the
 * others of its poll are applied, each job's records keep their order, and a poll delivered again
 * changes nothing. The records of one test are produced back to back under one key, so that they
 * land in one partition, in order, and are usually polled together (the consumer does not read
 * keys; on the topic they are keyed by job or builder).
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class BatchConsumerTests extends SchedulerTest {

    private static final String SHA_GOOD = "e".repeat(64);

    /** A job assigned to a fresh builder whose success waits for a binary of {@code sha}. */
    private Job awaitingArtifact(String crate, String target, String sha) {
        UUID builder = UUID.randomUUID();
        Job job = assigned(crate, target, target + "-conn", builder);
        kafka.send(
                Topics.JOB_EVENTS,
                job.id.toString(),
                Fixtures.completion(
                        job, builder, List.of(Fixtures.digest(ArtifactKind.BINARY, sha, 42))));
        await().atMost(WAIT).until(() -> db.job(job.id).pendingCompletion != null);
        return job;
    }

    private static Map.Entry<String, byte[]> stored(String key, Job job, String sha) {
        return Map.entry(
                key,
                RecordCodec.encode(
                        new ArtifactStored(
                                job.id, 1, ArtifactKind.BINARY, sha, 42L, Instant.now())));
    }

    private void awaitState(JobState state, Job... jobs) {
        await().atMost(WAIT)
                .until(() -> Arrays.stream(jobs).allMatch(job -> db.job(job.id).state == state));
    }

    private long artifactRows(Job job) {
        return db.count("select count(*) from job_artifact where job_id = '" + job.id + "'");
    }

    @Test
    void anArtifactRecordTheDatabaseRefusesIsDeadLetteredAloneAndTheRestOfItsPollApplied() {
        String refusedSha = "d".repeat(64);
        Job first = awaitingArtifact("batch-first", "m01-unknown-test", SHA_GOOD);
        Job refused = awaitingArtifact("batch-refused", "m02-unknown-test", refusedSha);
        Job last = awaitingArtifact("batch-last", "m03-unknown-test", SHA_GOOD);
        String key = first.id.toString();
        // The database refuses this one digest, as it would a record breaking a rule of its own.
        db.execute(
                "alter table job_artifact add constraint refused_in_test"
                        + " check (sha256 <> '"
                        + refusedSha
                        + "') not valid");
        try (var dead = kafka.reader(Topics.SCHEDULER_DEAD_LETTERS, byte[].class)) {
            kafka.sendAllRaw(
                    Topics.ARTIFACTS,
                    List.of(
                            stored(key, first, SHA_GOOD),
                            stored(key, refused, refusedSha),
                            stored(key, last, SHA_GOOD)));
            awaitState(JobState.SUCCEEDED, first, last);
            List<String> deadLetters =
                    texts(
                            dead.until(
                                    WAIT,
                                    seen ->
                                            texts(seen).stream()
                                                    .anyMatch(
                                                            v ->
                                                                    v.contains(
                                                                            refused.id
                                                                                    .toString()))));
            assertThat(deadLetters)
                    .noneMatch(v -> v.contains(first.id.toString()))
                    .noneMatch(v -> v.contains(last.id.toString()));
        } finally {
            db.execute("alter table job_artifact drop constraint refused_in_test");
        }
        assertThat(artifactRows(refused)).isZero();
        assertThat(artifactRows(first)).isEqualTo(1);
        assertThat(artifactRows(last)).isEqualTo(1);
    }

    @Test
    void aPollOfArtifactRecordsDeliveredAgainChangesNothing() {
        Job one = awaitingArtifact("again-one", "m04-unknown-test", SHA_GOOD);
        Job two = awaitingArtifact("again-two", "m05-unknown-test", SHA_GOOD);
        Job marker = awaitingArtifact("again-marker", "m06-unknown-test", SHA_GOOD);
        String key = one.id.toString();
        List<Map.Entry<String, byte[]>> poll =
                List.of(stored(key, one, SHA_GOOD), stored(key, two, SHA_GOOD));
        kafka.sendAllRaw(Topics.ARTIFACTS, poll);
        awaitState(JobState.SUCCEEDED, one, two);
        Job oneDone = db.job(one.id);
        Job twoDone = db.job(two.id);

        // The same poll again (a redelivery after a crash before the commit to Kafka), then a
        // record behind it in the same partition: once that one is applied, so is the replay.
        List<Map.Entry<String, byte[]>> again = new ArrayList<>(poll);
        again.add(stored(key, marker, SHA_GOOD));
        kafka.sendAllRaw(Topics.ARTIFACTS, again);
        await().atMost(WAIT).until(() -> db.job(marker.id).state == JobState.SUCCEEDED);

        for (Job before : List.of(oneDone, twoDone)) {
            Job now = db.job(before.id);
            assertThat(now.state).isEqualTo(JobState.SUCCEEDED);
            assertThat(now.updatedAt).isEqualTo(before.updatedAt);
            assertThat(now.finishedAt).isEqualTo(before.finishedAt);
            assertThat(artifactRows(now)).isEqualTo(1);
            assertThat(
                            db.count(
                                    "select count(*) from job_artifact where job_id = '"
                                            + now.id
                                            + "' and sha256 = '"
                                            + SHA_GOOD
                                            + "'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aPollOfConnectionRecordsIsAppliedInItsOrderAndAgainChangesNothing() {
        UUID builder = UUID.randomUUID();
        String key = builder.toString();
        String tag = key.substring(0, 8);
        String closedFirst = "bc1-" + tag;
        Instant at = Instant.now();
        List<Map.Entry<String, byte[]>> poll = new ArrayList<>();
        for (String connection : List.of(closedFirst, "bc2-" + tag)) {
            poll.add(
                    Map.entry(
                            key,
                            RecordCodec.encode(
                                    new BuilderConnectionChange.Connected(
                                            builder, "batched", connection, "gateway-b", at))));
        }
        poll.add(
                Map.entry(
                        key,
                        RecordCodec.encode(
                                new BuilderConnectionChange.Disconnected(
                                        builder, closedFirst, "gateway-b", "closed", at))));
        kafka.sendAllRaw(Topics.BUILDER_CONNECTIONS, poll);
        await().atMost(WAIT).until(() -> openConnections(builder) == 1 && closed(builder) == 1);

        // Delivered again: a "connected" never reopens a connection already seen closed.
        List<Map.Entry<String, byte[]>> again = new ArrayList<>(poll.subList(0, 2));
        UUID marker = UUID.randomUUID();
        again.add(
                Map.entry(
                        key,
                        RecordCodec.encode(
                                new BuilderConnectionChange.Connected(
                                        marker, "marker", "bcm-" + tag, "gateway-b", at))));
        kafka.sendAllRaw(Topics.BUILDER_CONNECTIONS, again);
        await().atMost(WAIT).until(() -> openConnections(marker) == 1);
        assertThat(openConnections(builder)).isEqualTo(1);
        assertThat(closed(builder)).isEqualTo(1);
    }

    @Test
    void aPollOfSeveralJobsLinesAndCompletionsKeepsEachJobsOrderAndAgainChangesNothing() {
        UUID builderA = UUID.randomUUID();
        UUID builderB = UUID.randomUUID();
        Job a = assigned("levels-a", "m07-unknown-test", "m07-conn", builderA);
        Job b = assigned("levels-b", "m08-unknown-test", "m08-conn", builderB);
        String key = a.id.toString();
        List<Map.Entry<String, byte[]>> poll =
                List.of(
                        line(key, a, builderA, 1, "a before"),
                        line(key, b, builderB, 1, "b before"),
                        Map.entry(
                                key,
                                RecordCodec.encode(
                                        Fixtures.failure(
                                                a,
                                                builderA,
                                                FailureCode.COMPILE_ERROR,
                                                "a broke"))),
                        line(key, b, builderB, 2, "b before, too"),
                        Map.entry(
                                key,
                                RecordCodec.encode(
                                        Fixtures.failure(
                                                b,
                                                builderB,
                                                FailureCode.COMPILE_ERROR,
                                                "b broke"))),
                        line(key, a, builderA, 2, "a after the end"),
                        line(key, b, builderB, 3, "b after the end"));
        kafka.sendAllRaw(Topics.JOB_EVENTS, poll);
        awaitState(JobState.FAILED, a, b);
        assertThat(lines(a)).containsExactly("a before");
        assertThat(lines(b)).containsExactly("b before", "b before, too");
        Job aDone = db.job(a.id);
        Job bDone = db.job(b.id);

        // The same poll again, then a line of a live job behind it: once that one is stored, the
        // replay has been applied too.
        UUID builderC = UUID.randomUUID();
        Job c = assigned("levels-c", "m09-unknown-test", "m09-conn", builderC);
        List<Map.Entry<String, byte[]>> again = new ArrayList<>(poll);
        again.add(line(key, c, builderC, 1, "c marker"));
        kafka.sendAllRaw(Topics.JOB_EVENTS, again);
        await().atMost(WAIT).until(() -> lines(c).size() == 1);
        for (Job before : List.of(aDone, bDone)) {
            Job now = db.job(before.id);
            assertThat(now.state).isEqualTo(JobState.FAILED);
            assertThat(now.updatedAt).isEqualTo(before.updatedAt);
            assertThat(now.failureReason).isEqualTo(before.failureReason);
            assertThat(now.logBytes).isEqualTo(before.logBytes);
        }
        assertThat(lines(a)).containsExactly("a before");
        assertThat(lines(b)).containsExactly("b before", "b before, too");
    }

    private static Map.Entry<String, byte[]> line(
            String key, Job job, UUID builder, long seq, String text) {
        return Map.entry(
                key,
                RecordCodec.encode(
                        new JobActivity.EventReported(
                                job.id,
                                1,
                                builder,
                                seq,
                                new JobEventBody.Log(LogStream.STDOUT, text),
                                Instant.now())));
    }

    @SuppressWarnings("unchecked")
    private List<String> lines(Job job) {
        return (List<String>)
                db.list("select line from job_log where job_id = '" + job.id + "' order by seq");
    }

    private long openConnections(UUID builder) {
        return db.count(
                "select count(*) from builder_connection where builder_id = '"
                        + builder
                        + "' and disconnected_at is null");
    }

    private long closed(UUID builder) {
        return db.count(
                "select count(*) from builder_connection where builder_id = '"
                        + builder
                        + "' and disconnected_at is not null");
    }

    private static List<String> texts(List<Map.Entry<String, byte[]>> records) {
        return records.stream().map(e -> new String(e.getValue(), StandardCharsets.UTF_8)).toList();
    }
}
