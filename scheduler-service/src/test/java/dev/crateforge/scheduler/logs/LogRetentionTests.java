package dev.crateforge.scheduler.logs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.support.SchedulerTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The log retention deletes exactly the logs of jobs that finished longer ago than {@code
 * crateforge.scheduler.log-retention}: what a stored log keeps (newer finished jobs, live jobs
 * however old their lines) matters as much as what it drops. The jobs are written straight into the
 * tables, since only their finish time decides and a real build cannot be made 30 days old.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class LogRetentionTests extends SchedulerTest {

    private static final int LINES_PER_JOB = 3;

    @Inject LogRetention retention;
    @Inject SchedulerConfig config;

    @Test
    void deletesTheLogsOfJobsFinishedBeforeTheRetentionAndKeepsTheRest() {
        Duration keep = config.logRetention();
        assertThat(keep).isEqualTo(Duration.ofDays(30));
        // More expired jobs than one batch takes, so that the batches carry on to the end.
        List<UUID> expired = new ArrayList<>();
        for (int i = 0; i < LogRetention.JOBS_PER_BATCH + 7; i++) {
            expired.add(job("succeeded", "now() - interval '30 days 1 hour'"));
        }
        UUID failedLongAgo = job("failed", "now() - interval '400 days'");
        expired.add(failedLongAgo);
        UUID recent = job("succeeded", "now() - interval '29 days'");
        UUID running = job("running", null);

        long deleted = retention.purge(Instant.now().minus(keep));

        assertThat(deleted).isEqualTo((long) expired.size() * LINES_PER_JOB);
        for (UUID job : expired) {
            assertThat(lines(job)).as("lines of %s", job).isZero();
            assertThat(stages(job)).as("stages of %s", job).isZero();
            assertThat(purged(job)).as("%s marked purged", job).isTrue();
        }
        for (UUID job : List.of(recent, running)) {
            assertThat(lines(job)).as("lines of %s", job).isEqualTo(LINES_PER_JOB);
            assertThat(stages(job)).as("stages of %s", job).isEqualTo(1);
            assertThat(purged(job)).as("%s marked purged", job).isFalse();
        }

        // The product keeps the job and answers an empty log for it (no separate "expired" state).
        JsonPath page = logPage(failedLongAgo);
        assertThat(page.getList("lines")).isEmpty();
        assertThat(page.getList("stages")).isEmpty();
        assertThat(logPage(recent).getList("lines")).hasSize(LINES_PER_JOB);
        assertThat(db.job(failedLongAgo)).isNotNull();

        // A second pass finds nothing left to do: purged jobs are not taken again.
        assertThat(retention.purge(Instant.now().minus(keep))).isZero();
        assertThat(lines(recent)).isEqualTo(LINES_PER_JOB);
    }

    /**
     * A job in {@code state} (finished at the SQL expression {@code finishedAt}, or not at all)
     * whose attempt 1 logged {@link #LINES_PER_JOB} lines, written 40 days ago, and one stage.
     */
    private UUID job(String state, String finishedAt) {
        UUID id = UUID.randomUUID();
        db.execute(
                """
                insert into job (id, crate, version, source_url, source_sha256, target, kind,
                    state, attempt, max_attempts, finished_at, log_bytes)
                values ('%s', 'retained', '%s', 'https://static.crates.example/x.crate',
                    repeat('a', 64), 'x86_64-unknown-linux-gnu', 'binary', '%s', 1, 3, %s, 0)
                """
                        .formatted(id, id, state, finishedAt == null ? "null" : finishedAt));
        db.execute(
                """
                insert into job_log (job_id, attempt, seq, stream, line, created_at)
                select '%s', 1, s, 'stdout', 'line ' || s, now() - interval '40 days'
                from generate_series(1, %d) s
                """
                        .formatted(id, LINES_PER_JOB));
        db.execute(
                "insert into job_stage (job_id, attempt, seq, stage, at) values ('%s', 1, 1, 'building', now() - interval '40 days')"
                        .formatted(id));
        return id;
    }

    private long lines(UUID job) {
        return db.count("select count(*) from job_log where job_id = '" + job + "'");
    }

    private long stages(UUID job) {
        return db.count("select count(*) from job_stage where job_id = '" + job + "'");
    }

    private boolean purged(UUID job) {
        return db.count(
                        "select count(*) from job where log_purged_at is not null and id = '"
                                + job
                                + "'")
                == 1;
    }

    private static JsonPath logPage(UUID job) {
        return given().get("/api/v1/jobs/" + job + "/logs")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }
}
