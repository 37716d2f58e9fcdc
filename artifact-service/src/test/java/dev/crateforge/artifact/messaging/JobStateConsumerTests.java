package dev.crateforge.artifact.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.TestKafka;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
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
 * The job-state channel over the real topic: replays and stale records change nothing, and a poison
 * record goes to the dead-letter topic without stopping the channel.
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
