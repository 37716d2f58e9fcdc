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
import dev.crateforge.protocol.job.ReproductionVerdict;
import dev.crateforge.protocol.kafka.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * The job-state channel over the real topic: replays and stale records change nothing, a new
 * reproduction verdict (the same attempt and state, later) is applied, and a poison record goes to
 * the dead-letter topic without stopping the channel.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class JobStateConsumerTests {

    private static final String DLQ = Topics.ARTIFACT_DEAD_LETTERS;

    @Inject ArtifactCatalog catalog;

    private TestJobs newJob() {
        return new TestJobs(
                catalog,
                "js" + UUID.randomUUID().toString().substring(0, 8),
                "3.0.0",
                ArtifactKind.BINARY);
    }

    @Test
    void olderRecordsNeverMoveAJobBack() {
        TestJobs job = newJob().moveTo(1, JobState.RUNNING).moveTo(2, JobState.ASSIGNED);
        // A replayed record of attempt 1, then a marker job on the same partition: once the
        // marker is applied, the replay before it has been consumed too.
        job.moveToWithoutWaiting(1, JobState.RUNNING);
        newJobOnPartitionOf(job.jobId).moveTo(1, JobState.ASSIGNED);
        assertThat(catalog.job(job.jobId).orElseThrow().attempt).isEqualTo(2);
        assertThat(catalog.job(job.jobId).orElseThrow().state).isEqualTo("assigned");
    }

    @Test
    void aLaterRecordOfTheSameStateWithANewVerdictIsApplied() {
        TestJobs job = newJob().inReproduction(UUID.randomUUID(), 3).moveTo(1, JobState.RUNNING);
        JobAttempt before = catalog.job(job.jobId).orElseThrow();
        assertThat(before.reproductionVerdict).isEqualTo("pending");

        job.announceVerdict(ReproductionVerdict.INCOMPLETE, false);

        JobAttempt after = catalog.job(job.jobId).orElseThrow();
        assertThat(after.reproductionVerdict).isEqualTo("incomplete");
        assertThat(after.reproductionBuilds).isEqualTo(3);
        assertThat(after.attempt).isEqualTo(1);
        assertThat(after.state).isEqualTo("running");
        // The state change keeps its time: a verdict does not make a build newer than it is.
        assertThat(after.changedAt).isEqualTo(before.changedAt);
        assertThat(after.reproductionAt).isAfter(before.reproductionAt);
    }

    @Test
    void aReplayedOrOlderVerdictChangesNothing() {
        TestJobs job = newJob().inReproduction(UUID.randomUUID(), 2).moveTo(1, JobState.RUNNING);
        job.announceVerdict(ReproductionVerdict.DISAGREED, false);
        JobAttempt kept = catalog.job(job.jobId).orElseThrow();

        // Older than the kept verdict, another verdict: ignored.
        job.publishVerdict(
                ReproductionVerdict.REPRODUCED, true, kept.reproductionAt.minusSeconds(60));
        // Exactly as old as the kept verdict (a replay of it, with another verdict): ignored.
        job.publishVerdict(ReproductionVerdict.REPRODUCED, false, kept.reproductionAt);
        newJobOnPartitionOf(job.jobId).moveTo(1, JobState.ASSIGNED);

        JobAttempt now = catalog.job(job.jobId).orElseThrow();
        assertThat(now.reproductionVerdict).isEqualTo("disagreed");
        assertThat(now.reproductionReleased).isFalse();
        assertThat(now.reproductionAt).isEqualTo(kept.reproductionAt);
        assertThat(now.updatedAt).isEqualTo(kept.updatedAt);
    }

    private TestJobs newJobOnPartitionOf(UUID jobId) {
        int partitions = TestKafka.partitions(Topics.JOB_STATES);
        while (true) {
            TestJobs candidate = newJob();
            if (partition(candidate.jobId, partitions) == partition(jobId, partitions)) {
                return candidate;
            }
        }
    }

    /** The default partitioner's choice for a String key. */
    private static int partition(UUID key, int partitions) {
        byte[] bytes = key.toString().getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(bytes)) % partitions;
    }

    @Test
    void poisonRecordGoesToTheDeadLetterTopicAndTheChannelCarriesOn() {
        String key = UUID.randomUUID().toString();
        try (KafkaConsumer<String, byte[]> dlq = TestKafka.consumer(DLQ)) {
            TestKafka.publishRaw(
                    Topics.JOB_STATES,
                    key,
                    "{\"jobId\":\"not json".getBytes(StandardCharsets.UTF_8));
            // The next record of the channel is still applied.
            TestJobs job = newJob().moveTo(1, JobState.ASSIGNED);
            assertThat(catalog.job(job.jobId)).isPresent();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> TestKafka.poll(dlq).stream().anyMatch(r -> key.equals(r.key())));
        }
    }
}
