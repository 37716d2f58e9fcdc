package dev.crateforge.scheduler.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.LogStream;
import dev.crateforge.scheduler.support.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * Assignments per second and request-to-assignment latency through the real broker with 100,000
 * queued jobs, and log ingestion rate. Not part of the normal test run (the name does not end in
 * Tests); run it with the command in docs/performance-scheduler.md. Results go to stdout and to
 * target/benchmark-scheduler.txt.
 */
@QuarkusTest
@TestProfile(SchedulerBenchmark.Profile.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class SchedulerBenchmark {

    /**
     * Full-size logs, leases that outlive the run, and the production sweep and queue-gauge
     * intervals (the test profile runs them every second or two, which would put several times the
     * production load of both on the measured latencies).
     */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "crateforge.scheduler.log-cap-bytes", "4194304",
                    "crateforge.scheduler.lease", "PT30M",
                    "crateforge.scheduler.sweep-interval", "5s",
                    "crateforge.scheduler.queue-metrics-interval", "15s",
                    "quarkus.log.category.\"dev.crateforge\".level", "WARN");
        }
    }

    private static final String TARGET = "b01-unknown-test";
    private static final int QUEUED = 100_000;
    private static final int BURST = Integer.getInteger("bench.burst", 5_000);
    private static final int PACED_RATE = 100;
    private static final int PACED_SECONDS = 10;
    private static final int PACED_WARMUP_SECONDS = Integer.getInteger("bench.paced-warmup", 30);
    private static final int LOG_JOBS = 20;
    private static final int LOG_LINES_PER_JOB = Integer.getInteger("bench.lines", 5_000);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "crateforge.kafka.topic-prefix")
    String prefix;

    @Inject Db db;
    @Inject EntityManager em;
    @Inject DataSource dataSource;

    private final List<String> report = new ArrayList<>();

    @Test
    void measure() throws Exception {
        long t0 = System.nanoTime();
        db.execute(
                """
                insert into job (id, crate, version, source_url, source_sha256, target, kind,
                    fair_turn, state, attempt, max_attempts)
                select gen_random_uuid(), 'bench' || mod(i, 1000), '1.0.' || (i / 1000),
                    'https://static.crates.example/x.crate', repeat('a', 64), '%s', 'binary',
                    i / 1000, 'queued', 1, 3
                from generate_series(0, %d) i
                """
                        .formatted(TARGET, QUEUED - 1));
        // Leave the table as autovacuum leaves one that filled over time (hint bits set,
        // visibility map current); otherwise the first reader of the 100,000 fresh rows pays
        // for all of them, in the middle of a measured phase.
        try (java.sql.Connection connection = dataSource.getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true); // VACUUM runs outside a transaction
            statement.execute("vacuum analyze job");
        }
        line(
                "queued %,d jobs in %.1f s",
                db.count("select count(*) from job where state = 'queued'"),
                (System.nanoTime() - t0) / 1e9);

        try (KafkaProducer<String, byte[]> producer = producer();
                AssignmentReceiver assignments =
                        new AssignmentReceiver(
                                consumer(Topics.prefixed(prefix, Topics.JOB_ASSIGNMENTS)))) {
            // Warm-up: JIT, connection pool, consumer assignment.
            burst(producer, assignments, 300, "warm-up");
            burst(producer, assignments, BURST, "burst");
            // The paced path (one request per poll) runs other code than the burst, and C2 is
            // still compiling for a good 20 s after it: measure the steady state.
            paced(producer, assignments, "paced warm-up", PACED_WARMUP_SECONDS);
            paced(producer, assignments, "paced", PACED_SECONDS);
            logs(producer);
        }
        Files.write(Path.of("target/benchmark-scheduler.txt"), report);
        assertThat(report).isNotEmpty();
    }

    private void burst(
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
        if (!label.equals("warm-up")) {
            line(
                    "%s: %,d requests → %,d assignments in %.2f s = %,.0f assignments/s; %s",
                    label,
                    count,
                    latencies.count(),
                    seconds,
                    latencies.count() / seconds,
                    latencies);
        }
    }

    /**
     * One request every 10 ms, sent on time whatever the answers do; the receiver notes each
     * assignment as it arrives.
     */
    private void paced(
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
        for (int i = 0; i < count; i++) {
            long wait = start + i * periodNanos - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            String connection = label + "-" + i;
            sent.put(connection, send(producer, connection));
        }
        assignments.awaitAll(sent.keySet(), Duration.ofMinutes(1));
        Latencies latencies = assignments.latencies(sent, start);
        line(
                "%s %d requests/s for %d s: %,d assignments; %s",
                label, PACED_RATE, seconds, latencies.count(), latencies);
        line("%s, slowest (phase began %s): %s", label, startedAt, latencies.slowest(10));
    }

    private void logs(KafkaProducer<String, byte[]> producer) {
        @SuppressWarnings("unchecked")
        List<Object[]> held =
                io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                        .call(
                                () ->
                                        em.createNativeQuery(
                                                        "select id, builder_id from job where state"
                                                                + " = 'assigned' limit "
                                                                + LOG_JOBS)
                                                .getResultList());
        int total = held.size() * LOG_LINES_PER_JOB;
        String text = "   Compiling some-dependency v1.2.3 (registry+https://example.org/index)";
        long start = System.nanoTime();
        for (int seq = 1; seq <= LOG_LINES_PER_JOB; seq++) {
            for (Object[] job : held) {
                UUID jobId = (UUID) job[0];
                producer.send(
                        new ProducerRecord<>(
                                Topics.prefixed(prefix, Topics.JOB_EVENTS),
                                jobId.toString(),
                                RecordCodec.encode(
                                        new JobActivity.EventReported(
                                                jobId,
                                                1,
                                                (UUID) job[1],
                                                (long) seq,
                                                new JobEventBody.Log(LogStream.STDOUT, text),
                                                Instant.now()))));
            }
        }
        producer.flush();
        double produced = (System.nanoTime() - start) / 1e9;
        // Every line is the same text, so the jobs' log_bytes counters say how many are stored:
        // reading 20 rows every 20 ms is cheap, whereas counting job_log that often would take
        // a good part of the database's CPU away from the consumer being measured.
        long lineBytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1L;
        String ids = held.stream().map(job -> "'" + job[0] + "'").collect(Collectors.joining(","));
        String storedBytes =
                "select coalesce(sum(log_bytes), 0) from job where id in (" + ids + ")";
        await().atMost(Duration.ofMinutes(10))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> db.count(storedBytes) / lineBytes >= total);
        long stored = db.count(storedBytes) / lineBytes;
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(db.count("select count(*) from job_log")).isEqualTo(stored);
        line(
                "logs: %,d lines over %d jobs (produced in %.1f s) stored in %.1f s = %,.0f lines/s",
                stored, held.size(), produced, seconds, stored / seconds);
    }

    private Sent send(KafkaProducer<String, byte[]> producer, String connection) {
        UUID builder = UUID.randomUUID();
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
                                        List.of(TARGET),
                                        1,
                                        null,
                                        sent.wallClock()))));
        return sent;
    }

    /**
     * When a request was produced: monotonic for latency, wall clock to compare with assignedAt.
     */
    private record Sent(long nanos, Instant wallClock) {}

    /** When an assignment arrived, and when the scheduler says it committed it. */
    private record Arrival(long nanos, Instant assignedAt) {}

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
                                assigned.connectionId(), new Arrival(now, assigned.assignedAt()));
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
                            all.add(
                                    new Latency(
                                            (request.nanos() - phaseStart) / 1e6,
                                            (arrival.nanos() - request.nanos()) / 1e6,
                                            Duration.between(
                                                                    request.wallClock(),
                                                                    arrival.assignedAt())
                                                            .toNanos()
                                                    / 1e6));
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

    /** One request's latency in ms, and the part until the scheduler's commit. */
    private record Latency(double sentAtMs, double totalMs, double untilCommitMs) {}

    private record Latencies(List<Latency> all) {
        int count() {
            return all.size();
        }

        /** The slowest requests with the moment (ms into the phase) they were sent. */
        String slowest(int n) {
            return all.stream()
                    .sorted(Comparator.comparingDouble(Latency::totalMs).reversed())
                    .limit(n)
                    .map(l -> String.format("%.0f ms at %.0f", l.totalMs(), l.sentAtMs()))
                    .collect(Collectors.joining(", "));
        }

        @Override
        public String toString() {
            double[] total = all.stream().mapToDouble(Latency::totalMs).toArray();
            double[] untilCommit = all.stream().mapToDouble(Latency::untilCommitMs).toArray();
            return String.format(
                    "latency p50 %.1f ms, p99 %.1f ms (produced → committed: p50 %.1f ms, p99"
                            + " %.1f ms)",
                    percentile(total, 50),
                    percentile(total, 99),
                    percentile(untilCommit, 50),
                    percentile(untilCommit, 99));
        }
    }

    private static double percentile(double[] values, int p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)];
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
