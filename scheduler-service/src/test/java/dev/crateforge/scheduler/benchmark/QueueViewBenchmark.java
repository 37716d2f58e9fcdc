package dev.crateforge.scheduler.benchmark;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.scheduler.support.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What a look at a queued job costs with a deep queue: {@code GET /api/v1/jobs/{id}} of the last
 * job of 100,000 queued ones (its position is a count over all of them) with 100,000 finished jobs
 * of the same target and kind behind the ETA, {@code GET /api/v1/queue}, and the console's pages
 * over the same jobs. Not part of the test run; see docs/performance-scheduler.md.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class QueueViewBenchmark {

    private static final String TARGET = "b02-unknown-test";
    private static final int JOBS = 100_000;
    private static final int CALLS = 200;

    @Inject Db db;
    @Inject DataSource dataSource;

    private final List<String> report = new ArrayList<>();

    @Test
    void measure() throws Exception {
        db.execute(
                """
                insert into job (id, crate, version, source_url, source_sha256, target, kind,
                    fair_turn, state, attempt, max_attempts, assigned_at, finished_at, created_at)
                select gen_random_uuid(), 'view' || mod(i, 1000), '1.0.' || (i / 1000),
                    'https://static.crates.example/x.crate', repeat('a', 64), '%s', 'binary',
                    i / 1000,
                    case when i < %d then 'queued' else 'succeeded' end, 1, 3,
                    case when i < %d then null
                         else now() - make_interval(secs => 60 + mod(i, 120)) end,
                    case when i < %d then null else now() - make_interval(secs => mod(i, 50)) end,
                    now() - interval '1 day' + make_interval(secs => i / 10.0)
                from generate_series(0, %d) i
                """
                        .formatted(TARGET, JOBS, JOBS, JOBS, 2 * JOBS - 1));
        try (java.sql.Connection connection = dataSource.getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute("vacuum analyze job");
        }
        String last =
                (String)
                        db.single(
                                "select id::text from job where target = '"
                                        + TARGET
                                        + "' and state = 'queued'"
                                        + " order by priority, fair_turn desc, created_at desc"
                                        + " limit 1");
        long position =
                given().get("/api/v1/jobs/" + last)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getLong("queuePosition");
        assertThat(position).isEqualTo(JOBS);
        time("GET /api/v1/jobs/{id} (position 100,000)", "/api/v1/jobs/" + last);
        time("GET /api/v1/queue", "/api/v1/queue");
        time("GET /console (the queue page)", "/console");
        time("GET /console/jobs/{id} (position 100,000)", "/console/jobs/" + last);
        time("GET /console/crates/{name} (100 jobs)", "/console/crates/view7");
        Files.write(Path.of("target/benchmark-queue-view.txt"), report);
        assertThat(report).hasSize(5);
    }

    private void time(String what, String path) {
        for (int i = 0; i < 20; i++) {
            given().get(path).then().statusCode(200);
        }
        long[] nanos = new long[CALLS];
        for (int i = 0; i < CALLS; i++) {
            long t0 = System.nanoTime();
            given().get(path).then().statusCode(200);
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        String text =
                String.format(
                        "%s: median %.1f ms, p99 %.1f ms, max %.1f ms over %d calls",
                        what,
                        nanos[CALLS / 2] / 1e6,
                        nanos[CALLS * 99 / 100] / 1e6,
                        nanos[CALLS - 1] / 1e6,
                        CALLS);
        System.out.println("[benchmark] " + text);
        report.add(text);
    }
}
