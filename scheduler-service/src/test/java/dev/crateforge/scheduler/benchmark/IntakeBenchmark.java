package dev.crateforge.scheduler.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.registry.LocalRegistry;
import dev.crateforge.scheduler.intake.IntakeConfig;
import dev.crateforge.scheduler.intake.RegistryWatcher;
import dev.crateforge.scheduler.support.Db;
import dev.crateforge.scheduler.support.TestRegistries;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Registry intake backfill: an index of 100,000 versions (20,000 crates × 5, one commit, written by
 * {@link LocalRegistry}) becomes 100,000 jobs in the first poll. Measured against the raw ceiling
 * of the same run: 100,000 jobs inserted by one {@code INSERT … SELECT generate_series} straight
 * into the table. Not part of the test run (see docs/performance.md for the command); results go to
 * stdout and target/benchmark-intake.txt.
 */
@QuarkusTest
@TestProfile(IntakeBenchmark.Profile.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class IntakeBenchmark {

    private static final int CRATES = Integer.getInteger("bench.crates", 20_000);
    private static final int VERSIONS_PER_CRATE = 5;

    /** One registry with backfill, every job for the benchmark target, no limit per poll. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestRegistries.inTempDirectory("crateforge-intake-bench")
                    .with("crateforge.intake.tick", "0.1s")
                    .registry(
                            "steady",
                            "b01-unknown-test",
                            "allow-private-addresses",
                            "true",
                            "poll-interval",
                            "PT0.5S")
                    // Polled by the test only (the timer skips a registry that is not enabled).
                    .registry(
                            "bench",
                            "b01-unknown-test",
                            "enabled",
                            "false",
                            "backfill",
                            "true",
                            "allow-private-addresses",
                            "true",
                            "max-jobs-per-poll",
                            "1000000")
                    .with("quarkus.log.category.\"dev.crateforge\".level", "ERROR")
                    .config();
        }
    }

    @Inject RegistryWatcher watcher;
    @Inject IntakeConfig config;
    @Inject Db db;

    private final List<String> report = new ArrayList<>();

    @Test
    void backfill() throws Exception {
        int versions = CRATES * VERSIONS_PER_CRATE;
        long t0 = System.nanoTime();
        try (LocalRegistry registry = TestRegistries.open(config, "bench")) {
            List<String> specs = new ArrayList<>(versions);
            for (int c = 0; c < CRATES; c++) {
                for (int v = 0; v < VERSIONS_PER_CRATE; v++) {
                    specs.add("bench-crate-" + c + "@1." + v + ".0");
                }
            }
            registry.publishAll(specs);
            say("index of %,d versions written and committed in %.1f s", versions, seconds(t0));

            long t1 = System.nanoTime();
            RegistryWatcher.PollResult result = watcher.poll("bench");
            double pollSeconds = seconds(t1);
            assertThat(result.jobsCreated()).isEqualTo(versions);
            assertThat(db.count("select count(*) from job where target = 'b01-unknown-test'"))
                    .isEqualTo(versions);
            say(
                    "backfill poll (fetch, diff, parse, validate, insert, outbox, cursor): %,d jobs"
                            + " in %.2f s = %,.0f jobs/s",
                    versions, pollSeconds, versions / pollSeconds);

            long t2 = System.nanoTime();
            db.execute(
                    """
                    insert into job (id, crate, version, source_url, source_sha256, target, kind,
                        fair_turn, state, attempt, max_attempts)
                    select gen_random_uuid(), 'raw' || mod(i, 20000), '1.0.' || (i / 20000),
                        'https://static.crates.example/x.crate', repeat('a', 64), 'b01-unknown-test',
                        'metadata', 0, 'queued', 1, 3
                    from generate_series(1, %d) i
                    """
                            .formatted(versions));
            double rawSeconds = seconds(t2);
            say(
                    "raw ceiling (one INSERT ... SELECT generate_series, no outbox): %,d jobs in"
                            + " %.2f s = %,.0f jobs/s; intake at %.0f %% of it",
                    versions, rawSeconds, versions / rawSeconds, 100.0 * rawSeconds / pollSeconds);
        }
        steadyState();
        Files.write(Path.of("target/benchmark-intake.txt"), report);
    }

    /**
     * Steady state with the timer on (tick 0.1 s, poll interval 0.5 s): from a version's index
     * commit to its queued job, one version at a time.
     */
    private void steadyState() throws InterruptedException {
        try (LocalRegistry registry = TestRegistries.open(config, "steady")) {
            // The first poll only remembers the head.
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (db.count(
                                    "select count(*) from registry_cursor where registry = 'steady'"
                                            + " and commit_id is not null")
                            == 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                registry.publish("steady-crate", "1.0." + i);
                long committed = System.nanoTime();
                while (db.count(
                                "select count(*) from job where crate = 'steady-crate'"
                                        + " and version = '1.0."
                                        + i
                                        + "' and state = 'queued'")
                        == 0) {
                    assertThat(System.nanoTime() - committed).isLessThan(30_000_000_000L);
                    Thread.sleep(10);
                }
                latencies.add((System.nanoTime() - committed) / 1e6);
            }
            latencies.sort(Double::compare);
            say(
                    "steady state (tick 0.1 s, poll interval 0.5 s), index commit to queued job, 20"
                            + " versions: p50 %.0f ms, max %.0f ms",
                    latencies.get(latencies.size() / 2), latencies.get(latencies.size() - 1));
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private void say(String format, Object... args) {
        String line = String.format(format, args);
        System.out.println("[intake-benchmark] " + line);
        report.add(line);
    }
}
