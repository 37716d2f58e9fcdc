package dev.crateforge.scheduler.queue;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.submission.JobSubmission;
import dev.crateforge.scheduler.support.Fixtures;
import dev.crateforge.scheduler.support.SchedulerTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Queue positions, ETAs and the queue summary through the API, checked against what the claim then
 * really does. Each test has a target of its own, so other tests' jobs are never in its queue.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class QueueEstimateTests extends SchedulerTest {

    private static JsonPath job(UUID id) {
        return given().get("/api/v1/jobs/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static Long position(UUID id) {
        Object position = job(id).get("queuePosition");
        return position == null ? null : ((Number) position).longValue();
    }

    private List<Job> queue(String target, int count) {
        List<Job> queued = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            queued.add(submissions.submit(Fixtures.job("queued" + i, "1.0.0", target)).job());
        }
        return queued;
    }

    private void claimOne(String target) {
        assertThat(
                        assignments.requestReceived(
                                Fixtures.request(
                                        UUID.randomUUID(), "conn-" + UUID.randomUUID(), target, 1)))
                .isEqualTo(1);
    }

    @Test
    void positionOneIsTheJobTheNextClaimTakesAndTheRestMoveUp() {
        String target = "q01-unknown-test";
        List<Job> queued = queue(target, 5);
        Job urgent =
                submissions
                        .submit(
                                new JobSubmission(
                                        "urgent",
                                        "1.0.0",
                                        queued.get(0).sourceUrl,
                                        Fixtures.SHA,
                                        target,
                                        "binary",
                                        5,
                                        null))
                        .job();
        List<UUID> all = new ArrayList<>(queued.stream().map(j -> j.id).toList());
        all.add(urgent.id);
        Map<UUID, Long> before = new java.util.HashMap<>();
        all.forEach(id -> before.put(id, position(id)));

        assertThat(before.values()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(before.get(urgent.id)).isEqualTo(1L);

        claimOne(target);
        UUID claimed =
                all.stream().filter(id -> db.job(id).builderId != null).findFirst().orElseThrow();
        assertThat(before.get(claimed)).isEqualTo(1L);
        assertThat(position(claimed)).isNull();
        for (UUID id : all) {
            if (!id.equals(claimed)) {
                assertThat(position(id)).isEqualTo(before.get(id) - 1);
            }
        }
    }

    @Test
    void anEtaNeedsASlotAndAFinishedJobOfTheSameTargetAndKind() {
        String target = "q02-unknown-test";
        List<Job> queued = queue(target, 4);
        // Nothing serves the target and nothing of it ever finished: a position, no estimate.
        assertThat(position(queued.get(0).id)).isNotNull();
        assertThat((Object) job(queued.get(0).id).get("eta")).isNull();

        claimOne(target);
        // A finished job of the target and kind that took a minute from assignment to its end.
        Job finished = submissions.submit(Fixtures.job("finished", "1.0.0", target)).job();
        assertThat(
                        db.execute(
                                "update job set state = 'succeeded', assigned_at = now() - interval"
                                        + " '60 seconds', finished_at = now() where id = '"
                                        + finished.id
                                        + "'"))
                .isEqualTo(1);

        List<UUID> waiting =
                queued.stream().map(j -> j.id).filter(id -> position(id) != null).toList();
        assertThat(waiting).hasSize(3);
        for (UUID id : waiting) {
            long position = position(id);
            Instant asked = Instant.now();
            Instant eta = Instant.parse(job(id).getString("eta"));
            Instant answered = Instant.now();
            // One busy slot, halfway through a minute on average; a minute per job ahead.
            Duration wait = Duration.ofSeconds(30).plus(Duration.ofMinutes(position - 1));
            assertThat(eta)
                    .isBetween(
                            asked.plus(wait).minusSeconds(1), answered.plus(wait).plusSeconds(1));
        }
    }

    @Test
    void aJobThatIsNotQueuedHasNoPosition() {
        String target = "q03-unknown-test";
        Job job = queue(target, 1).get(0);
        given().auth()
                .oauth2(dev.crateforge.scheduler.support.OperatorTokens.submitter())
                .post("/api/v1/jobs/" + job.id + "/cancel")
                .then()
                .statusCode(200);
        JsonPath cancelled = job(job.id);
        assertThat(cancelled.getString("state")).isEqualTo("cancelled");
        assertThat((Object) cancelled.get("queuePosition")).isNull();
        assertThat((Object) cancelled.get("eta")).isNull();
    }

    @Test
    void theSummaryCountsEachTargetsQueueBySlotsPriorityAndKind() {
        String target = "q04-unknown-test";
        queue(target, 3);
        submissions.submit(
                new JobSubmission(
                        "high",
                        "1.0.0",
                        "https://static.crates.example/high.crate",
                        Fixtures.SHA,
                        target,
                        "metadata",
                        7,
                        null));
        claimOne(target);

        JsonPath summary = given().get("/api/v1/queue").then().statusCode(200).extract().jsonPath();
        String entry = "targets.find { it.target == '" + target + "' }";
        assertThat(summary.getInt(entry + ".queued")).isEqualTo(3);
        assertThat(summary.getInt(entry + ".busySlots")).isEqualTo(1);
        assertThat(summary.getInt(entry + ".freeSlots")).isZero();
        assertThat(summary.getList(entry + ".byPriority.priority", Integer.class))
                .containsExactly(0);
        assertThat(summary.getList(entry + ".byKind.kind", String.class)).containsExactly("binary");
        assertThat(summary.getString(entry + ".oldestQueuedAt")).isNotNull();
        // No binary job of this target has finished: its drain cannot be estimated yet.
        assertThat((Object) summary.get(entry + ".estimatedDrainAt")).isNull();
        assertThat(summary.getLong("queued")).isGreaterThanOrEqualTo(3);
    }
}
