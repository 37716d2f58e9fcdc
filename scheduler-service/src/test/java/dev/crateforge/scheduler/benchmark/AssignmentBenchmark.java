package dev.crateforge.scheduler.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.localstack.benchmark.BenchmarkResults;
import dev.crateforge.localstack.benchmark.BenchmarkResults.Better;
import dev.crateforge.localstack.benchmark.BenchmarkResults.Figure;
import dev.crateforge.localstack.benchmark.DatabaseActivity;
import dev.crateforge.localstack.benchmark.MachineStalls;
import dev.crateforge.localstack.benchmark.Samples;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.scheduler.job.JobRepository;
import dev.crateforge.scheduler.support.Db;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Assignments per second and request-to-assignment latency through the real broker, each at several
 * queue depths (10,000, 100,000 and 1,000,000 queued jobs by default), against a bare {@code SKIP
 * LOCKED} claim loop on the same database at the same depth in the same run. Not part of the normal
 * test run (the name does not end in Tests); run it with the command in
 * docs/performance-scheduler.md. Figures go to target/benchmarks/results.json at the project's root
 * ({@link BenchmarkResults}), a plot to target/benchmarks/queue-depth.png (copied to
 * docs/queue-depth.png), and the text report to target/benchmark-assignment.txt.
 */
@QuarkusTest
@TestProfile(AssignmentBenchmark.Profile.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class AssignmentBenchmark {

    /** {@link ProductionTimers}: no lease ends and no timer runs more often than in production. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return ProductionTimers.with(Map.of());
        }
    }

    static final String BENCHMARK = "scheduler-assignments";

    /** Queue depths, ascending; each one is reached by adding jobs to the one before. */
    private static final List<Integer> DEPTHS =
            Arrays.stream(System.getProperty("bench.depths", "10000,100000,1000000").split(","))
                    .map(String::trim)
                    .map(Integer::valueOf)
                    .sorted()
                    .toList();

    /**
     * Requests in a burst and claims of the ceiling's loop, at most: a phase takes at most a tenth
     * of the queue, so that the depth stays what it says.
     */
    private static final int BURST = Integer.getInteger("bench.burst", 5_000);

    private static final int PACED_RATE = 100;
    private static final int PACED_SECONDS = Integer.getInteger("bench.paced-seconds", 10);
    private static final int PACED_WARMUP_SECONDS = Integer.getInteger("bench.paced-warmup", 30);

    /**
     * Builders the requests come from. Each builder serves one target (the same spread as the
     * queue's), declares a concurrency limit and an owner, so that the claim counts its live
     * attempts, checks its reputation, skips jobs that avoid it and reproductions it already built.
     */
    private static final int BUILDERS = Integer.getInteger("bench.builders", 200);

    private static final int CONCURRENCY_LIMIT = 64;

    /**
     * The job-requests consumer serves one poll at a time (one transaction on one connection), so
     * the ceiling's loop runs on one connection too.
     */
    private static final int CEILING_CONNECTIONS =
            Integer.getInteger("bench.ceiling-connections", 1);

    private static final String CEILING_NAME = "bare SKIP LOCKED claim loop, same depth";

    /** The queue's targets: 60 %, 25 %, 10 % and 5 % of the jobs (by {@code i % 20}). */
    private static final String TARGET_OF_I =
            """
            case when i % 20 < 12 then 'x86_64-unknown-linux-gnu'
                 when i % 20 < 17 then 'aarch64-unknown-linux-gnu'
                 when i % 20 < 19 then 'x86_64-pc-windows-msvc'
                 else 'aarch64-apple-darwin' end""";

    /**
     * Queued jobs {@code i} in [from, to): 20,000 crates with round-robin turns, two thirds binary
     * and one third metadata builds, 1 % at a higher priority, 3 % builds of a reproduction (groups
     * of three replicas), 0.5 % retries that avoid one of the benchmark's builders for an hour
     * (after a backoff), spread over four targets. Identities are derived from {@code i}, so that
     * the builders and the avoided builders are the same in SQL and in Java.
     */
    private static final String FILL =
            """
            insert into job (id, crate, version, source_url, source_sha256, target, kind,
                priority, fair_turn, state, attempt, max_attempts, created_at, not_before,
                reproduce, replica, reproduction_group, reproduction_verdict,
                avoid_builder_ids, avoid_until)
            select md5('bench-job-' || i)::uuid,
                'bench' || (i %% 20000), '1.' || (i / 20000) || '.' || (i %% 3),
                'https://static.example/x.crate', repeat('a', 64),
                %s,
                case when i %% 3 = 0 then 'metadata' else 'binary' end,
                case when i %% 97 = 0 then 10 else 0 end,
                i / 20000, 'queued', case when i %% 200 = 1 then 2 else 1 end, 3,
                now() - make_interval(secs => (%d - i) / 1000.0),
                now() - make_interval(secs => (%d - i) / 1000.0)
                    + case when i %% 200 = 1 then interval '1 second' else interval '0' end,
                case when i %% 100 between 50 and 52 then 3 else 1 end,
                case when i %% 100 between 50 and 52 then i %% 100 - 50 else 0 end,
                case when i %% 100 between 50 and 52
                     then md5('bench-job-' || (i - (i %% 100 - 50)))::uuid end,
                case when i %% 100 = 50 then 'pending' end,
                case when i %% 200 = 1
                     then array[md5('bench-builder-' || ((i / 200) %% %d))::uuid]
                     else '{}' end,
                case when i %% 200 = 1 then now() + interval '1 hour' end
            from generate_series(%d, %d) i
            """;

    /**
     * The ceiling: one claim per statement and commit, the real claim's order and claim rule, none
     * of its extra predicates.
     */
    private static final String BARE_CLAIM =
            """
            update job set state = 'assigned', assigned_at = now(), updated_at = now()
            where id = (select id from job
                        where state = 'queued' and not_before <= now() and target = ?
                        order by priority desc, fair_turn, created_at
                        for update skip locked limit 1)
            returning id
            """;

    private static final List<String> TARGETS =
            List.of(
                    "x86_64-unknown-linux-gnu",
                    "aarch64-unknown-linux-gnu",
                    "x86_64-pc-windows-msvc",
                    "aarch64-apple-darwin");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "crateforge.kafka.topic-prefix")
    String prefix;

    @Inject Db db;
    @Inject DataSource dataSource;
    @Inject MeterRegistry meters;
    @Inject JobRepository jobs;

    private final List<String> report = new ArrayList<>();

    /** The next job number {@code i} of {@link #FILL}. */
    private long nextJob = 0;

    private int requestCounter = 0;

    @Test
    void measure() throws Exception {
        long benchmarkStart = System.nanoTime();
        line(
                "depths %s, burst ≤ %,d, paced %d/s for %d s (warm-up %d s), %d builders, load"
                        + " average %.2f",
                DEPTHS,
                BURST,
                PACED_RATE,
                PACED_SECONDS,
                PACED_WARMUP_SECONDS,
                BUILDERS,
                Samples.loadAverage());
        setUpBuilders();
        List<Point> points = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = producer();
                AssignmentReceiver assignments =
                        new AssignmentReceiver(
                                consumer(Topics.prefixed(prefix, Topics.JOB_ASSIGNMENTS)))) {
            boolean first = true;
            for (int depth : DEPTHS) {
                fillTo(depth, true);
                int phase = Math.max(100, Math.min(BURST, depth / 10));
                if (first) {
                    // JIT, connection pools, consumer assignment; then the queue as it was. Both
                    // paths are warmed before anything is measured: with the paced warm-up after
                    // the first burst, that burst ran half-compiled code and the first depth
                    // looked slower than the deeper ones.
                    burst(producer, assignments, phase, "warm-up");
                    ceiling(phase);
                    settle(depth);
                    if (PACED_WARMUP_SECONDS > 0) {
                        // C2 keeps compiling for a good 20 s after the first burst, and the paced
                        // path (one request per poll) runs other code than the burst.
                        paced(producer, assignments, "paced warm-up", PACED_WARMUP_SECONDS);
                        settle(depth);
                    }
                }
                double loadBefore = Samples.loadAverage();
                double ceiling = ceiling(phase);
                settle(depth);
                double rate = burst(producer, assignments, phase, "burst at " + depth);
                settle(depth);
                Latencies paced = paced(producer, assignments, "paced at " + depth, PACED_SECONDS);
                settle(depth);
                Point point =
                        new Point(
                                depth,
                                rate,
                                ceiling,
                                paced.at(50),
                                paced.at(99),
                                loadBefore,
                                Samples.loadAverage());
                points.add(point);
                line(
                        "depth %,d: %,.0f assignments/s, ceiling %,.0f claims/s, ratio %.2f;"
                                + " paced p50 %.1f ms, p99 %.1f ms; load %.2f → %.2f",
                        depth,
                        rate,
                        ceiling,
                        rate / ceiling,
                        point.p50(),
                        point.p99(),
                        point.loadBefore(),
                        point.loadAfter());
                first = false;
            }
        }
        BenchmarkResults.record(BENCHMARK, figures(points));
        Path png = BenchmarkResults.directory().resolve("queue-depth.png");
        QueueDepthChart.write(points, png);
        Path docs = BenchmarkResults.projectRoot().resolve("docs");
        if (Files.isDirectory(docs)) {
            Files.copy(png, docs.resolve("queue-depth.png"), StandardCopyOption.REPLACE_EXISTING);
        }
        line("plot: %s; whole benchmark %.0f s", png, (System.nanoTime() - benchmarkStart) / 1e9);
        Files.write(Path.of("target/benchmark-assignment.txt"), report);
        assertThat(points).hasSize(DEPTHS.size());
    }

    /** One depth's figures. */
    record Point(
            int depth,
            double rate,
            double ceiling,
            double p50,
            double p99,
            double loadBefore,
            double loadAfter) {}

    private static List<Figure> figures(List<Point> points) {
        List<Figure> figures = new ArrayList<>();
        for (Point p : points) {
            String at = String.format(Locale.ROOT, "%,d queued", p.depth());
            figures.add(
                    Figure.of("assignments/s, " + at, p.rate(), "assignments/s")
                            .withCeiling(CEILING_NAME, p.ceiling())
                            .withTarget(0.5, Better.HIGHER));
            figures.add(Figure.of("paced 100/s p50, " + at, p.p50(), "ms"));
            figures.add(
                    Figure.of("paced 100/s p99, " + at, p.p99(), "ms")
                            .withTarget(20, Better.LOWER));
        }
        if (points.size() > 1) {
            Point shallow = points.get(0);
            Point deep = points.get(points.size() - 1);
            String span =
                    String.format(Locale.ROOT, "%,d vs %,d queued", deep.depth(), shallow.depth());
            // Flat: the deepest queue keeps at least 80 % of the shallowest one's rate, and its
            // p99 stays within 1.5 times (+2 ms for timer noise).
            figures.add(
                    Figure.of("assignment rate, " + span, deep.rate() / shallow.rate(), "ratio")
                            .withTarget(0.8, Better.HIGHER));
            figures.add(
                    Figure.of("paced p99, " + span, deep.p99() / (shallow.p99() + 2), "ratio")
                            .withTarget(1.5, Better.LOWER));
        }
        return figures;
    }

    /**
     * Builders: a few online connections (a job that avoids a builder goes elsewhere only when
     * another builder is online), and limits set for 1 % of the crates (read for every claimed
     * batch).
     */
    private void setUpBuilders() {
        db.execute(
                """
                insert into builder_connection (connection_id, builder_id, builder_name,
                    gateway_instance, connected_at)
                select 'bench-online-' || k, md5('bench-builder-' || k)::uuid, 'bench-' || k,
                    'bench-gateway', now()
                from generate_series(0, 9) k
                """);
        db.execute(
                """
                insert into crate_limits (crate, memory_bytes, cpu_seconds, updated_by)
                select 'bench' || (k * 100), 4294967296, 3600, 'benchmark'
                from generate_series(0, 199) k
                """);
    }

    /**
     * Adds queued jobs until {@code depth} are queued (one {@code INSERT … SELECT
     * generate_series}); with {@code analyze}, vacuums and analyzes as autovacuum would have done
     * long before a real queue reached that depth.
     */
    private void fillTo(int depth, boolean analyze) throws SQLException {
        long queued = db.count("select count(*) from job where state = 'queued'");
        long missing = depth - queued;
        long t0 = System.nanoTime();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true); // VACUUM runs outside a transaction
            if (missing > 0) {
                statement.execute(
                        FILL.formatted(
                                TARGET_OF_I,
                                nextJob + missing,
                                nextJob + missing,
                                BUILDERS,
                                nextJob,
                                nextJob + missing - 1));
                nextJob += missing;
            }
            if (analyze) {
                statement.execute("vacuum analyze job");
            }
        }
        if (analyze) {
            line(
                    "queued %,d jobs (added %,d in %.1f s with vacuum analyze)",
                    db.count("select count(*) from job where state = 'queued'"),
                    Math.max(0, missing),
                    (System.nanoTime() - t0) / 1e9);
            periodicWork();
        }
    }

    /**
     * What the scheduler's heaviest periodic work costs at this depth, run here once: the queue
     * gauges count every live job (every {@code queue-metrics-interval}), and a core busy with it
     * is one the requests wait for.
     */
    private void periodicWork() {
        long t0 = System.nanoTime();
        int groups =
                QuarkusTransaction.requiringNew()
                        .call(() -> jobs.countLiveByStateAndTarget().size());
        line(
                "periodic work at this depth: the queue gauges' count %.0f ms (%d groups)",
                (System.nanoTime() - t0) / 1e6, groups);
    }

    /**
     * Between phases: the builders finish what they were given (so that their live attempts stay
     * few, as with real builders), and the queue is topped up to its depth.
     */
    private void settle(int depth) throws SQLException {
        db.execute(
                "update job set state = 'succeeded', finished_at = now(), updated_at = now()"
                        + " where state in ('assigned', 'running')");
        fillTo(depth, false);
    }

    /**
     * The ceiling: {@code count} claims of the bare statement, spread over the targets like the
     * requests, on {@link #CEILING_CONNECTIONS} connections, one commit per claim.
     *
     * @return claims per second
     */
    private double ceiling(int count) throws Exception {
        java.util.concurrent.atomic.AtomicInteger next =
                new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger claimed =
                new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        for (int c = 0; c < CEILING_CONNECTIONS; c++) {
            Thread thread =
                    new Thread(
                            () -> {
                                try (Connection connection = dataSource.getConnection();
                                        PreparedStatement claim =
                                                connection.prepareStatement(BARE_CLAIM)) {
                                    connection.setAutoCommit(true);
                                    for (int i = next.getAndIncrement();
                                            i < count;
                                            i = next.getAndIncrement()) {
                                        claim.setString(1, targetOfBuilder(i % BUILDERS));
                                        try (ResultSet row = claim.executeQuery()) {
                                            if (row.next()) {
                                                claimed.incrementAndGet();
                                            }
                                        }
                                    }
                                } catch (SQLException | RuntimeException e) {
                                    failures.add(e);
                                }
                            },
                            "ceiling-" + c);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(failures).isEmpty();
        double rate = claimed.get() / seconds;
        line(
                "ceiling: %,d bare claims on %d connection(s) in %.2f s = %,.0f claims/s",
                claimed.get(), CEILING_CONNECTIONS, seconds, rate);
        return rate;
    }

    /**
     * @return assignments per second, first send to last assignment received
     */
    private double burst(
            KafkaProducer<String, byte[]> producer,
            AssignmentReceiver assignments,
            int count,
            String label) {
        Map<String, Sent> sent = new HashMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String connection = label + "-" + i;
            sent.put(connection, send(producer, connection));
        }
        producer.flush();
        assignments.awaitAll(sent.keySet(), Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - start) / 1e9;
        Latencies latencies = assignments.latencies(sent, start);
        double rate = latencies.count() / seconds;
        line(
                "%s: %,d requests → %,d assignments in %.2f s = %,.0f assignments/s; %s",
                label, count, latencies.count(), seconds, rate, latencies);
        return rate;
    }

    /**
     * One request every 10 ms, sent on time whatever the answers do; the receiver notes each
     * assignment as it arrives.
     */
    private Latencies paced(
            KafkaProducer<String, byte[]> producer,
            AssignmentReceiver assignments,
            String label,
            int seconds)
            throws InterruptedException {
        int count = PACED_RATE * seconds;
        Map<String, Sent> sent = new HashMap<>();
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        long periodNanos = 1_000_000_000L / PACED_RATE;
        // Beside the slowest requests: what PostgreSQL did on its own meanwhile (autovacuum,
        // checkpoints), on the same clock.
        DatabaseActivity database =
                DatabaseActivity.sample(dataSource, start, Duration.ofMillis(20));
        // And what the machine did to everyone: tasks waiting for a CPU, this JVM's GC pauses.
        MachineStalls machine = MachineStalls.sample(start, Duration.ofMillis(5));
        Timer passes = meters.timer("crateforge.outbox.pass");
        long passesBefore = passes.count();
        double passMsBefore = passes.totalTime(TimeUnit.MILLISECONDS);
        try {
            for (int i = 0; i < count; i++) {
                long wait = start + i * periodNanos - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                String connection = label + "-" + i;
                sent.put(connection, send(producer, connection));
            }
            assignments.awaitAll(sent.keySet(), Duration.ofMinutes(1));
        } finally {
            database.close();
            machine.close();
        }
        Latencies latencies = assignments.latencies(sent, start);
        line(
                "%s %d requests/s for %d s: %,d assignments; %s",
                label, PACED_RATE, seconds, latencies.count(), latencies);
        line("%s, slowest (phase began %s): %s", label, startedAt, latencies.slowest(10, machine));
        line(
                "%s, the machine meanwhile: %s; CPU wait in the windows of the slowest 1 %%:"
                        + " %.0f %%, of all requests: %.0f %%",
                label,
                machine.report(),
                latencies.cpuWait(machine, 99) * 100,
                latencies.cpuWait(machine, 0) * 100);
        long passCount = passes.count() - passesBefore;
        line(
                "%s, outbox relay: %,d passes, mean %.1f ms, longest in the last minute %.1f ms",
                label,
                passCount,
                passCount == 0
                        ? 0.0
                        : (passes.totalTime(TimeUnit.MILLISECONDS) - passMsBefore) / passCount,
                passes.max(TimeUnit.MILLISECONDS));
        line("%s, the database meanwhile: %s", label, database.report(Duration.ofMillis(100)));
        return latencies;
    }

    /** The target builder {@code k} serves: the queue's spread ({@link #TARGET_OF_I}). */
    private static String targetOfBuilder(int k) {
        int slot = k % 20;
        return slot < 12
                ? TARGETS.get(0)
                : slot < 17 ? TARGETS.get(1) : slot < 19 ? TARGETS.get(2) : TARGETS.get(3);
    }

    /** {@code md5('bench-builder-' || k)::uuid}, as the queue's avoided builders are made. */
    static UUID builderId(int k) {
        try {
            byte[] md5 =
                    java.security.MessageDigest.getInstance("MD5")
                            .digest(("bench-builder-" + k).getBytes(StandardCharsets.UTF_8));
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(md5);
            return new UUID(bytes.getLong(), bytes.getLong());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Sent send(KafkaProducer<String, byte[]> producer, String connection) {
        int k = requestCounter++ % BUILDERS;
        UUID builder = builderId(k);
        Sent sent = new Sent(System.nanoTime(), Instant.now());
        producer.send(
                new ProducerRecord<>(
                        Topics.prefixed(prefix, Topics.JOB_REQUESTS),
                        builder.toString(),
                        RecordCodec.encode(
                                new JobRequested(
                                        builder,
                                        connection,
                                        "bench-gateway",
                                        List.of(targetOfBuilder(k)),
                                        1,
                                        CONCURRENCY_LIMIT,
                                        sent.wallClock(),
                                        "owner-" + (k % 50)))));
        return sent;
    }

    /**
     * When a request was produced: monotonic for latency, wall clock to compare with assignedAt.
     */
    private record Sent(long nanos, Instant wallClock) {}

    /**
     * When an assignment arrived; when the scheduler made it (its {@code assignedAt}, taken just
     * before the outbox insert and the commit); and when the outbox relay handed it to its producer
     * (the record's create time, in ms).
     */
    private record Arrival(long nanos, Instant assignedAt, long relayedAtMs) {}

    /**
     * Reads the assignment topic on a thread of its own, so that a receive time is the moment the
     * record arrived rather than the moment the sending loop got round to looking.
     */
    private static final class AssignmentReceiver implements AutoCloseable {
        private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        AssignmentReceiver(KafkaConsumer<String, byte[]> consumer) {
            thread = new Thread(() -> receive(consumer), "assignment-receiver");
            thread.start();
        }

        private void receive(KafkaConsumer<String, byte[]> consumer) {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, byte[]> record :
                            consumer.poll(Duration.ofMillis(100))) {
                        long now = System.nanoTime();
                        JobAssigned assigned =
                                RecordCodec.decode(record.value(), JobAssigned.class);
                        arrivals.put(
                                assigned.connectionId(),
                                new Arrival(now, assigned.assignedAt(), record.timestamp()));
                    }
                }
            } catch (ProtocolDecodeException e) {
                throw new IllegalStateException("An assignment record did not decode", e);
            }
        }

        void awaitAll(Set<String> connections, Duration timeout) {
            await().atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> arrivals.keySet().containsAll(connections));
        }

        Latencies latencies(Map<String, Sent> sent, long phaseStart) {
            List<Latency> all = new ArrayList<>();
            sent.forEach(
                    (connection, request) -> {
                        Arrival arrival = arrivals.remove(connection);
                        if (arrival != null) {
                            double untilAssigned =
                                    Duration.between(request.wallClock(), arrival.assignedAt())
                                                    .toNanos()
                                            / 1e6;
                            double untilRelayed =
                                    arrival.relayedAtMs() - request.wallClock().toEpochMilli();
                            all.add(
                                    new Latency(
                                            (request.nanos() - phaseStart) / 1e6,
                                            (arrival.nanos() - request.nanos()) / 1e6,
                                            untilAssigned,
                                            untilRelayed));
                        }
                    });
            return new Latencies(all);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    /**
     * One request's latency in ms; the part until the scheduler assigned it (consuming, claiming,
     * signing: everything before the outbox insert and the commit); and the part until the outbox
     * relay sent it (adding the commit and the relay's wait and claim). The rest is the broker and
     * the way back. The last split is on the millisecond clock of the record's timestamp.
     */
    private record Latency(
            double sentAtMs, double totalMs, double untilAssignedMs, double untilRelayedMs) {}

    private record Latencies(List<Latency> all) {
        int count() {
            return all.size();
        }

        /**
         * The slowest requests with the moment (ms into the phase) they were sent, and how much of
         * each came before the assignment and before the relay sent it: what says whether a stall
         * is in consuming and claiming, in the commit and the outbox relay, or in the way back
         * through the broker.
         */
        String slowest(int n, MachineStalls machine) {
            return all.stream()
                    .sorted(Comparator.comparingDouble(Latency::totalMs).reversed())
                    .limit(n)
                    .map(
                            l ->
                                    String.format(
                                            "%.0f ms (assigned %.0f, relayed %.0f) at %.0f, %s",
                                            l.totalMs(),
                                            l.untilAssignedMs(),
                                            l.untilRelayedMs(),
                                            l.sentAtMs(),
                                            machine.describe(
                                                    l.sentAtMs(), l.sentAtMs() + l.totalMs())))
                    .collect(Collectors.joining("; "));
        }

        /**
         * The mean share of their windows during which some task waited for a CPU, over the
         * requests at or above the p-th percentile of latency (all of them for 0).
         */
        double cpuWait(MachineStalls machine, int p) {
            double threshold = p == 0 ? Double.NEGATIVE_INFINITY : at(p);
            return all.stream()
                    .filter(l -> l.totalMs() >= threshold)
                    .mapToDouble(
                            l -> machine.cpuWaitShare(l.sentAtMs(), l.sentAtMs() + l.totalMs()))
                    .filter(share -> share >= 0)
                    .average()
                    .orElse(-1);
        }

        /** The p-th percentile of the total latency, in ms. */
        double at(int p) {
            return Samples.percentile(all.stream().mapToDouble(Latency::totalMs).toArray(), p);
        }

        @Override
        public String toString() {
            double[] total = all.stream().mapToDouble(Latency::totalMs).toArray();
            double[] assigned = all.stream().mapToDouble(Latency::untilAssignedMs).toArray();
            double[] relayed = all.stream().mapToDouble(Latency::untilRelayedMs).toArray();
            double[] back =
                    all.stream().mapToDouble(l -> l.totalMs() - l.untilRelayedMs()).toArray();
            return String.format(
                    "latency p50 %.1f ms, p99 %.1f ms (produced → assigned: p50 %.1f, p99 %.1f;"
                            + " → relayed: p50 %.0f, p99 %.0f; relayed → received: p50 %.0f,"
                            + " p99 %.0f)",
                    Samples.percentile(total, 50),
                    Samples.percentile(total, 99),
                    Samples.percentile(assigned, 50),
                    Samples.percentile(assigned, 99),
                    Samples.percentile(relayed, 50),
                    Samples.percentile(relayed, 99),
                    Samples.percentile(back, 50),
                    Samples.percentile(back, 99));
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private KafkaConsumer<String, byte[]> consumer(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(topic));
        // Join the group before anything is produced.
        while (consumer.assignment().isEmpty()) {
            consumer.poll(Duration.ofMillis(100));
        }
        return consumer;
    }

    private void line(String format, Object... args) {
        String text = String.format(format, args);
        System.out.println("[benchmark] " + text);
        report.add(text);
    }
}
