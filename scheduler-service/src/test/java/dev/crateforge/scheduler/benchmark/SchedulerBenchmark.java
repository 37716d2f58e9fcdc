package dev.crateforge.scheduler.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
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
     * Full-size logs, leases that outlive the run, and the production sweep interval (the test
     * profile sweeps every second, which would put five times the production sweep load on the
     * measured latencies).
     */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "crateforge.scheduler.log-cap-bytes", "4194304",
                    "crateforge.scheduler.lease", "PT30M",
                    "crateforge.scheduler.sweep-interval", "5s",
                    "quarkus.log.category.\"dev.crateforge\".level", "WARN");
        }
    }

    private static final String TARGET = "b01-unknown-test";
    private static final int QUEUED = 100_000;
    private static final int BURST = Integer.getInteger("bench.burst", 5_000);
    private static final int PACED_RATE = 100;
    private static final int PACED_SECONDS = 10;
    private static final int LOG_JOBS = 20;
    private static final int LOG_LINES_PER_JOB = Integer.getInteger("bench.lines", 2_500);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "crateforge.kafka.topic-prefix")
    String prefix;

    @Inject Db db;
    @Inject EntityManager em;

    private final List<String> report = new ArrayList<>();

    /** When each request was produced (wall clock), to split latency at the scheduler's commit. */
    private final Map<String, Instant> producedAt = new HashMap<>();

    /** Produced → committed (the assignment's {@code assignedAt}), per assignment of a phase. */
    private final List<Long> untilCommit = new ArrayList<>();

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
        db.execute("analyze job");
        line(
                "queued %,d jobs in %.1f s",
                db.count("select count(*) from job where state = 'queued'"),
                (System.nanoTime() - t0) / 1e9);

        try (KafkaProducer<String, byte[]> producer = producer();
                KafkaConsumer<String, byte[]> assignments =
                        consumer(Topics.prefixed(prefix, Topics.JOB_ASSIGNMENTS))) {
            // Warm-up: JIT, connection pool, consumer assignment.
            burst(producer, assignments, 300, "warm-up");
            burst(producer, assignments, BURST, "burst");
            paced(producer, assignments);
            logs(producer);
        }
        Files.write(Path.of("target/benchmark-scheduler.txt"), report);
        assertThat(report).isNotEmpty();
    }

    private void burst(
            KafkaProducer<String, byte[]> producer,
            KafkaConsumer<String, byte[]> assignments,
            int count,
            String label) {
        Map<String, Long> sentAt = new HashMap<>();
        untilCommit.clear();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String connection = label + "-" + i;
            sentAt.put(connection, System.nanoTime());
            send(producer, connection);
        }
        producer.flush();
        long[] latencies = collect(assignments, sentAt, count);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!label.equals("warm-up")) {
            line(
                    "%s: %,d requests → %,d assignments in %.2f s = %,.0f assignments/s;"
                            + " latency p50 %.1f ms, p99 %.1f ms%s",
                    label,
                    count,
                    latencies.length,
                    seconds,
                    latencies.length / seconds,
                    percentile(latencies, 50),
                    percentile(latencies, 99),
                    untilCommitSummary());
        }
    }

    private void paced(
            KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> assignments)
            throws InterruptedException {
        int count = PACED_RATE * PACED_SECONDS;
        Map<String, Long> sentAt = new HashMap<>();
        untilCommit.clear();
        long start = System.nanoTime();
        long periodNanos = 1_000_000_000L / PACED_RATE;
        List<long[]> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long due = start + i * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            String connection = "paced-" + i;
            sentAt.put(connection, System.nanoTime());
            send(producer, connection);
            producer.flush();
            // Drain what has arrived so far, so that receive times are measured promptly.
            all.add(drain(assignments, sentAt, Duration.ZERO));
        }
        long[] rest =
                collect(assignments, sentAt, count - all.stream().mapToInt(a -> a.length).sum());
        all.add(rest);
        long[] latencies = all.stream().flatMapToLong(Arrays::stream).toArray();
        line(
                "paced %d requests/s for %d s: %,d assignments; latency p50 %.1f ms, p99 %.1f ms%s",
                PACED_RATE,
                PACED_SECONDS,
                latencies.length,
                percentile(latencies, 50),
                percentile(latencies, 99),
                untilCommitSummary());
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
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        // Every line is the same text, so the jobs' log_bytes counters say how many are stored:
        // reading 20 rows every 20 ms is cheap, whereas counting job_log that often would take
        // a good part of the database's CPU away from the consumer being measured.
        long lineBytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1L;
        String ids =
                held.stream()
                        .map(job -> "'" + job[0] + "'")
                        .collect(java.util.stream.Collectors.joining(","));
        long stored = 0;
        while (System.nanoTime() < deadline
                && (stored =
                                db.count(
                                                "select coalesce(sum(log_bytes), 0) from job"
                                                        + " where id in ("
                                                        + ids
                                                        + ")")
                                        / lineBytes)
                        < total) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(db.count("select count(*) from job_log")).isEqualTo(stored);
        line(
                "logs: %,d lines over %d jobs (produced in %.1f s) stored in %.1f s = %,.0f lines/s",
                stored, held.size(), produced, seconds, stored / seconds);
    }

    private void send(KafkaProducer<String, byte[]> producer, String connection) {
        UUID builder = UUID.randomUUID();
        producedAt.put(connection, Instant.now());
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
                                        Instant.now()))));
    }

    private long[] collect(
            KafkaConsumer<String, byte[]> consumer, Map<String, Long> sentAt, int expected) {
        List<Long> latencies = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (latencies.size() < expected && System.nanoTime() < deadline) {
            for (long l : drain(consumer, sentAt, Duration.ofMillis(100))) {
                latencies.add(l);
            }
        }
        return latencies.stream().mapToLong(Long::longValue).toArray();
    }

    private long[] drain(
            KafkaConsumer<String, byte[]> consumer, Map<String, Long> sentAt, Duration timeout) {
        List<Long> latencies = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            long now = System.nanoTime();
            try {
                JobAssigned assigned = RecordCodec.decode(record.value(), JobAssigned.class);
                Long sent = sentAt.remove(assigned.connectionId());
                if (sent != null) {
                    latencies.add(now - sent);
                    Instant produced = producedAt.remove(assigned.connectionId());
                    untilCommit.add(Duration.between(produced, assigned.assignedAt()).toNanos());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return latencies.stream().mapToLong(Long::longValue).toArray();
    }

    /** The part of the latency until the scheduler committed (the rest is the way back). */
    private String untilCommitSummary() {
        long[] nanos = untilCommit.stream().mapToLong(Long::longValue).toArray();
        return String.format(
                " (produced → committed: p50 %.1f ms, p99 %.1f ms)",
                percentile(nanos, 50), percentile(nanos, 99));
    }

    private static double percentile(long[] nanos, int p) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }

    private KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
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
