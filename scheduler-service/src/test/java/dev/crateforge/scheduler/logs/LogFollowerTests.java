package dev.crateforge.scheduler.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.job.BuildStage;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.support.SchedulerTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A live reader of one attempt's log: every line once, in order, numbered without gaps whatever the
 * builder's seqs, from the start or from where a reconnecting reader left off, and the end of the
 * stream once the attempt is over.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class LogFollowerTests extends SchedulerTest {

    @Inject LogFollower follower;

    private AssertSubscriber<LogLine> follow(UUID jobId, int attempt, long after) {
        return follower.follow(jobId, attempt, after)
                .subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
    }

    private void end(Job job) {
        db.execute(
                "update job set state = 'succeeded', finished_at = now() where id = '"
                        + job.id
                        + "'");
    }

    @Test
    void linesArriveInOrderNumberedWithoutGapsAndTheStreamEndsWithTheAttempt() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("follow-order", "s01-unknown-test", "s01-conn", builder);
        logLine(job, builder, 1, "first");
        event(job, builder, job.attempt, 2, new JobEventBody.StageChanged(BuildStage.BUILDING));
        logLine(job, builder, 3, "second");
        awaitLogLines(job, 2);

        AssertSubscriber<LogLine> reader = follow(job.id, job.attempt, 0);
        reader.awaitItems(2);
        logLine(job, builder, 7, "third");
        reader.awaitItems(3);
        end(job);

        reader.awaitCompletion(WAIT);
        assertThat(reader.getItems())
                .extracting(LogLine::number, LogLine::seq, LogLine::line)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, 1L, "first"),
                        org.assertj.core.groups.Tuple.tuple(2L, 3L, "second"),
                        org.assertj.core.groups.Tuple.tuple(3L, 7L, "third"));
    }

    @Test
    void aReaderThatReconnectsGoesOnFromItsLastSeqWithTheSameNumbers() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("follow-resume", "s02-unknown-test", "s02-conn", builder);
        for (long seq : new long[] {1, 3, 5}) {
            logLine(job, builder, seq, "line " + seq);
        }
        awaitLogLines(job, 3);

        AssertSubscriber<LogLine> reader = follow(job.id, job.attempt, 3);
        reader.awaitItems(1);
        logLine(job, builder, 8, "line 8");
        reader.awaitItems(2);
        end(job);

        reader.awaitCompletion(WAIT);
        assertThat(reader.getItems())
                .extracting(LogLine::number, LogLine::seq)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(3L, 5L),
                        org.assertj.core.groups.Tuple.tuple(4L, 8L));
    }

    @Test
    void aReaderOfAnAttemptThatWasReplacedEndsWithWhatThatAttemptLogged() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("follow-replaced", "s03-unknown-test", "s03-conn", builder);
        logLine(job, builder, 1, "of attempt one");
        awaitLogLines(job, 1);
        db.execute("update job set attempt = attempt + 1 where id = '" + job.id + "'");

        AssertSubscriber<LogLine> reader = follow(job.id, job.attempt, 0);

        reader.awaitCompletion(WAIT);
        assertThat(reader.getItems()).extracting(LogLine::line).containsExactly("of attempt one");
    }

    @Test
    void aJobThatDoesNotExistHasAnEmptyStream() {
        AssertSubscriber<LogLine> reader = follow(UUID.randomUUID(), 1, 0);

        reader.awaitCompletion(WAIT);
        assertThat(reader.getItems()).isEmpty();
    }
}
