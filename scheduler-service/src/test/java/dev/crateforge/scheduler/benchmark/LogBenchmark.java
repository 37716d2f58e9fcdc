package dev.crateforge.scheduler.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.localstack.benchmark.BenchmarkResults;
import dev.crateforge.localstack.benchmark.BenchmarkResults.Better;
import dev.crateforge.localstack.benchmark.BenchmarkResults.Figure;
import dev.crateforge.localstack.benchmark.DatabaseActivity;
import dev.crateforge.localstack.benchmark.Samples;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.LogStream;
import dev.crateforge.scheduler.logs.LogRetention;
import dev.crateforge.scheduler.support.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Log ingestion against its ceiling in the same run, live-log latency, and the cost of a large
 * stored log (issue 18). Not part of the normal test run; the command is in
 * docs/performance-scheduler.md. Figures go to target/benchmarks/results.json (benchmark {@code
 * scheduler-logs}) and to scheduler-service/target/benchmark-logs.txt.
 *
 * <ol>
 *   <li>Ceiling: a bare Kafka producer with the gateway's job-events settings sends the same
 *       records to a fresh topic of the same configuration on the same broker.
 *   <li>End to end: the same records to the real job-events topic, timed until the scheduler has
 *       stored every line in PostgreSQL.
 *   <li>Live: an SSE reader follows one job while lines are produced for it at a moderate rate,
 *       each stamped with its send time, with background ingestion on other jobs.
 *   <li>Stored: {@code benchmark.logs.stored} lines of finished jobs are put into job_log (a bulk
 *       {@code generate_series} fill), then the ingestion rate and log page reads are measured
 *       again, and the retention deletes the logs of a tenth of those jobs.
 * </ol>
 */
@QuarkusTest
@TestProfile(LogBenchmark.Profile.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class LogBenchmark {

    /** Large per-job logs, leases that outlive the run, production timers. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return ProductionTimers.with(
                    Map.of(
                            "crateforge.scheduler.log-cap-bytes", "1073741824",
                            // The benchmark runs the retention itself, timed, after the reads. The
                            // scheduled pass (first one a minute after start) would otherwise purge
                            // the
                            // jobs "finished 40 days ago" while the fill is still under way, and
                            // the
                            // reads would then find their logs gone.
                            "crateforge.scheduler.log-retention", "0",
                            "crateforge.scheduler.log-retention-interval", "1h"));
        }
    }

    private static final String BENCHMARK = "scheduler-logs";
    private static final String TARGET = "b02-unknown-test";

    /** Lines per measured ingestion phase (ceiling and end to end send the same count). */
    private static final int LINES = Integer.getInteger("benchmark.logs.lines", 600_000);

    /** Jobs the lines are spread over (the key, hence the partition, is the job). */
    private static final int JOBS = Integer.getInteger("benchmark.logs.jobs", 40);

    /**
     * Stored lines before the "with a large table" phase: 10M by default, 100M for the full run.
     */
    private static final long STORED = Long.getLong("benchmark.logs.stored", 10_000_000L);

    private static final int STORED_LINES_PER_JOB = 2_000;
    private static final int LIVE_LINES = Integer.getInteger("benchmark.logs.live-lines", 400);
    private static final int LIVE_RATE = 50;
    private static final int BACKGROUND_RATE =
            Integer.getInteger("benchmark.logs.background-rate", 5_000);
    private static final int READS = 200;

    /** A line as cargo prints it: the record is the size a real build's line gives. */
    private static final String TEXT =
            "   Compiling some-dependency v1.2.3 (registry+https://example.org/index)";

    private static final Pattern SENT = Pattern.compile("sent=(\\d+)");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "crateforge.kafka.topic-prefix")
    String prefix;

    @TestHTTPResource("/api/v1/jobs/")
    URL jobsUrl;

    @Inject Db db;
    @Inject DataSource dataSource;
    @Inject LogRetention retention;

    private final List<String> report = new ArrayList<>();
    private final List<Figure> figures = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void measure() throws Exception {
        line(
                "lines per phase %,d over %d jobs, stored %,d, load average %.2f",
                LINES, JOBS, STORED, Samples.loadAverage());
        try (KafkaProducer<String, byte[]> producer = gatewayProducer()) {
            // Warm-up: JIT, connections, consumer assignment, topic creation.
            ceiling(producer, Math.max(LINES / 4, 10_000), "warm-up");
            endToEnd(producer, Math.max(LINES / 4, 10_000), "warm-up");

            double ceiling = ceiling(producer, LINES, "ceiling");
            double endToEnd = endToEnd(producer, LINES, "end to end");
            figures.add(
                    Figure.of("lines/s into PostgreSQL", endToEnd, "lines/s")
                            .withCeiling("bare Kafka producer, gateway settings", ceiling)
                            .withTarget(0.5, Better.HIGHER));
            figures.add(
                    Figure.of("lines/s into PostgreSQL, absolute", endToEnd, "lines/s")
                            .withTarget(100_000, Better.HIGHER));

            live(producer);

            fill(STORED);
            double withStored = endToEnd(producer, LINES, "end to end, stored " + STORED);
            figures.add(
                    Figure.of(
                                    "lines/s into PostgreSQL with " + STORED + " stored",
                                    withStored,
                                    "lines/s")
                            .withCeiling("bare Kafka producer, gateway settings", ceiling)
                            .withTarget(0.5, Better.HIGHER));
            reads();
            purge();
        }
        BenchmarkResults.record(BENCHMARK, figures);
        Files.write(Path.of("target/benchmark-logs.txt"), report);
        assertThat(figures).isNotEmpty();
    }

    /** The bare producer: same records, same settings, a fresh topic like job-events. */
    private double ceiling(KafkaProducer<String, byte[]> producer, int lines, String label) {
        List<UUID[]> jobs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            jobs.add(new UUID[] {UUID.randomUUID(), UUID.randomUUID()});
        }
        String topic = Topics.prefixed(prefix, "bench.ceiling." + UUID.randomUUID());
        long start = System.nanoTime();
        send(producer, topic, jobs, 1, lines / JOBS);
        producer.flush();
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = (lines / JOBS) * JOBS / seconds;
        line("%s: %,d records produced in %.2f s = %,.0f records/s", label, lines, seconds, rate);
        return rate;
    }

    /** The same records to job-events, until every line is in job_log. */
    private double endToEnd(KafkaProducer<String, byte[]> producer, int lines, String label) {
        List<UUID[]> jobs = runningJobs(JOBS);
        int perJob = lines / JOBS;
        long total = (long) perJob * jobs.size();
        String ids = jobs.stream().map(j -> "'" + j[0] + "'").collect(Collectors.joining(","));
        // Every line has the same size, so the jobs' log_bytes say how many are stored: reading
        // a few rows every 20 ms is cheap, counting job_log that often is not.
        long lineBytes = TEXT.getBytes(StandardCharsets.UTF_8).length + 1L;
        String storedBytes =
                "select coalesce(sum(log_bytes), 0) from job where id in (" + ids + ")";
        long start = System.nanoTime();
        send(producer, Topics.prefixed(prefix, Topics.JOB_EVENTS), jobs, 1, perJob);
        producer.flush();
        double produced = (System.nanoTime() - start) / 1e9;
        await().atMost(Duration.ofMinutes(15))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> db.count(storedBytes) / lineBytes >= total);
        double seconds = (System.nanoTime() - start) / 1e9;
        long rows = db.count("select count(*) from job_log where job_id in (" + ids + ")");
        assertThat(rows).isEqualTo(total);
        double rate = total / seconds;
        line(
                "%s: %,d lines over %d jobs (produced in %.2f s) stored in %.2f s = %,.0f lines/s (load %.2f)",
                label, total, jobs.size(), produced, seconds, rate, Samples.loadAverage());
        return rate;
    }

    private void send(
            KafkaProducer<String, byte[]> producer,
            String topic,
            List<UUID[]> jobs,
            long firstSeq,
            int perJob) {
        for (long seq = firstSeq; seq < firstSeq + perJob; seq++) {
            for (UUID[] job : jobs) {
                producer.send(record(topic, job, seq, TEXT));
            }
        }
    }

    private ProducerRecord<String, byte[]> record(String topic, UUID[] job, long seq, String text) {
        return new ProducerRecord<>(
                topic,
                job[0].toString(),
                RecordCodec.encode(
                        new JobActivity.EventReported(
                                job[0],
                                1,
                                job[1],
                                seq,
                                new JobEventBody.Log(LogStream.STDOUT, text),
                                Instant.now())));
    }

    /**
     * One job followed over SSE while {@link #LIVE_RATE} lines/s are produced for it, each stamped
     * with its send time, and {@link #BACKGROUND_RATE} lines/s go to other jobs.
     */
    private void live(KafkaProducer<String, byte[]> producer) throws Exception {
        UUID[] followed = runningJobs(1).get(0);
        List<UUID[]> others = runningJobs(JOBS);
        String topic = Topics.prefixed(prefix, Topics.JOB_EVENTS);
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create(jobsUrl + followed[0].toString() + "/logs/stream"))
                        .header("Accept", "text/event-stream")
                        .build();
        HttpResponse<Stream<String>> response =
                http.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        Thread reader =
                new Thread(
                        () -> {
                            try (Stream<String> events = response.body()) {
                                events.forEach(
                                        event -> {
                                            Matcher m = SENT.matcher(event);
                                            if (event.startsWith("data:") && m.find()) {
                                                long sentMicros = Long.parseLong(m.group(1));
                                                latencies.add((nowMicros() - sentMicros) / 1000.0);
                                            }
                                        });
                            } catch (RuntimeException e) {
                                // closed at the end of the phase
                            }
                        },
                        "sse-reader");
        reader.setDaemon(true);
        reader.start();
        AtomicBoolean running = new AtomicBoolean(true);
        // The same lines read straight off the topic: what of the live latency the broker's part
        // is (producer, broker, a consumer's fetch), and what the scheduler adds (its poll's
        // transaction, the wake of the follower, the SSE write).
        ConcurrentLinkedQueue<Double> onTopic = new ConcurrentLinkedQueue<>();
        Thread topicReader = topicReader(topic, running, onTopic);
        Thread background =
                new Thread(
                        () -> {
                            long start = System.nanoTime();
                            long seq = 1;
                            while (running.get()) {
                                long due =
                                        (long) ((System.nanoTime() - start) / 1e9 * BACKGROUND_RATE)
                                                / others.size();
                                for (; seq <= due; seq++) {
                                    for (UUID[] job : others) {
                                        producer.send(record(topic, job, seq, TEXT));
                                    }
                                }
                                sleep(5);
                            }
                        },
                        "background-lines");
        background.start();
        sleep(2_000); // background ingestion under way, the readers subscribed
        long period = 1_000_000_000L / LIVE_RATE;
        long start = System.nanoTime();
        DatabaseActivity database =
                DatabaseActivity.sample(dataSource, start, Duration.ofMillis(20));
        try {
            for (int i = 1; i <= LIVE_LINES; i++) {
                long wait = start + i * period - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                producer.send(
                        record(topic, followed, i, "live line " + i + " sent=" + nowMicros()));
            }
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> latencies.size() >= LIVE_LINES);
        } finally {
            database.close();
        }
        running.set(false);
        background.join();
        topicReader.join();
        double[] untilStoring = untilStoring(followed[0]);
        // The attempt ends: the stream sends what is left and closes.
        db.execute(
                "update job set state = 'succeeded', finished_at = now() where id = '"
                        + followed[0]
                        + "'");
        reader.join(10_000);
        double[] ms = latencies.stream().mapToDouble(Double::doubleValue).toArray();
        double p50 = Samples.percentile(ms, 50);
        double p99 = Samples.percentile(ms, 99);
        line(
                "live: %d lines at %d/s over SSE with %,d lines/s beside them: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                ms.length, LIVE_RATE, BACKGROUND_RATE, p50, p99, Samples.percentile(ms, 100));
        double[] kafkaMs = onTopic.stream().mapToDouble(Double::doubleValue).toArray();
        line(
                "live, the same lines read off the topic by a plain consumer: %d lines, p50 %.1f ms,"
                        + " p99 %.1f ms, max %.1f ms",
                kafkaMs.length,
                Samples.percentile(kafkaMs, 50),
                Samples.percentile(kafkaMs, 99),
                Samples.percentile(kafkaMs, 100));
        line(
                "live, sent → the start of the transaction that stored the line (its created_at):"
                        + " p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                Samples.percentile(untilStoring, 50),
                Samples.percentile(untilStoring, 99),
                Samples.percentile(untilStoring, 100));
        line("live, the database meanwhile: %s", database.report(Duration.ofMillis(100)));
        figures.add(Figure.of("live log line sent → SSE, p50", p50, "ms"));
        figures.add(
                Figure.of("live log line sent → SSE, p99", p99, "ms")
                        .withTarget(100, Better.LOWER));
    }

    /**
     * For each live line of {@code jobId}: from its send to the start of the transaction that
     * stored it ({@code created_at} is the transaction's {@code now()}), in ms. What is left of the
     * SSE latency after it is the transaction, the follower's wake and read, and the SSE write.
     */
    private double[] untilStoring(UUID jobId) {
        return db
                .list(
                        "select line, (extract(epoch from created_at) * 1000000)::bigint"
                                + " from job_log where job_id = '"
                                + jobId
                                + "'")
                .stream()
                .map(row -> (Object[]) row)
                .map(
                        row -> {
                            Matcher m = SENT.matcher((String) row[0]);
                            return m.find()
                                    ? (((Number) row[1]).longValue() - Long.parseLong(m.group(1)))
                                            / 1000.0
                                    : Double.NaN;
                        })
                .filter(ms -> !ms.isNaN())
                .mapToDouble(Double::doubleValue)
                .toArray();
    }

    /**
     * A plain consumer of {@code topic} from its end, noting the latency of every live line it
     * sees, until {@code running} is false.
     */
    private Thread topicReader(
            String topic, AtomicBoolean running, ConcurrentLinkedQueue<Double> latencies) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
        List<TopicPartition> partitions =
                consumer.partitionsFor(topic).stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, before any live line
        Thread thread =
                new Thread(
                        () -> {
                            try (consumer) {
                                while (running.get()) {
                                    for (ConsumerRecord<String, byte[]> record :
                                            consumer.poll(Duration.ofMillis(100))) {
                                        Matcher m =
                                                SENT.matcher(
                                                        new String(
                                                                record.value(),
                                                                StandardCharsets.UTF_8));
                                        if (m.find()) {
                                            long sent = Long.parseLong(m.group(1));
                                            latencies.add((nowMicros() - sent) / 1000.0);
                                        }
                                    }
                                }
                            }
                        },
                        "topic-reader");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Finished jobs with {@link #STORED_LINES_PER_JOB} lines each, straight into the tables. */
    private void fill(long stored) throws Exception {
        long jobs = Math.max(1, stored / STORED_LINES_PER_JOB);
        long t0 = System.nanoTime();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute("set synchronous_commit = off");
            // A tenth finished 40 days ago (the retention's work), the rest yesterday.
            statement.execute(
                    """
                    insert into job (id, crate, version, source_url, source_sha256, target, kind,
                        state, attempt, max_attempts, finished_at, log_bytes)
                    select md5('stored' || i)::uuid, 'stored' || mod(i, 1000), '1.0.' || i,
                        'https://static.crates.example/x.crate', repeat('a', 64), '%s', 'binary',
                        'succeeded', 1, 3,
                        now() - case when mod(i, 10) = 0 then interval '40 days'
                                     else interval '1 day' end,
                        0
                    from generate_series(1, %d) i
                    """
                            .formatted(TARGET, jobs));
            long chunk = Math.max(1, 1_000_000 / STORED_LINES_PER_JOB);
            for (long from = 1; from <= jobs; from += chunk) {
                statement.execute(
                        """
                        insert into job_log (job_id, attempt, seq, stream, line, created_at)
                        select md5('stored' || i)::uuid, 1, s, 'stdout',
                            '   Compiling dependency-' || s || ' v1.2.3 (registry+https://example.org/index)',
                            now() - interval '1 day'
                        from generate_series(%d, %d) i, generate_series(1, %d) s
                        """
                                .formatted(
                                        from,
                                        Math.min(jobs, from + chunk - 1),
                                        STORED_LINES_PER_JOB));
            }
            double filled = (System.nanoTime() - t0) / 1e9;
            // As autovacuum leaves a table that filled over time.
            statement.execute("vacuum analyze job_log");
            statement.execute("vacuum analyze job");
            line(
                    "stored: %,d lines of %,d finished jobs filled in %.0f s, vacuumed in %.0f s; job_log %s",
                    jobs * STORED_LINES_PER_JOB,
                    jobs,
                    filled,
                    (System.nanoTime() - t0) / 1e9 - filled,
                    db.single("select pg_size_pretty(pg_total_relation_size('job_log'))"));
        }
    }

    /** First page and last page of stored jobs' logs through the API. */
    private void reads() throws Exception {
        long jobs = Math.max(1, STORED / STORED_LINES_PER_JOB);
        java.util.Random random = new java.util.Random(18);
        for (String kind : List.of("first page", "tail")) {
            double[] ms = new double[READS];
            for (int i = -20; i < READS; i++) {
                UUID job =
                        UUID.fromString(
                                (String)
                                        db.single(
                                                "select md5('stored' || "
                                                        + (1 + random.nextInt((int) jobs))
                                                        + ")::uuid::text"));
                String query =
                        kind.equals("tail")
                                ? "?after=" + (STORED_LINES_PER_JOB - 1000) + "&limit=1000"
                                : "?limit=1000";
                HttpRequest request =
                        HttpRequest.newBuilder(
                                        URI.create(jobsUrl + job.toString() + "/logs" + query))
                                .build();
                long start = System.nanoTime();
                HttpResponse<String> response =
                        http.send(request, HttpResponse.BodyHandlers.ofString());
                double took = (System.nanoTime() - start) / 1e6;
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body())
                        .contains(kind.equals("tail") ? "\"number\":2000" : "\"number\":1000");
                if (i >= 0) {
                    ms[i] = took;
                }
            }
            line(
                    "read %s (1,000 lines) of a stored job, %,d stored: p50 %.1f ms, p99 %.1f ms",
                    kind, STORED, Samples.percentile(ms, 50), Samples.percentile(ms, 99));
            figures.add(
                    Figure.of(
                            "log " + kind + " read, p50, " + STORED + " stored",
                            Samples.percentile(ms, 50),
                            "ms"));
            figures.add(
                    Figure.of(
                                    "log " + kind + " read, p99, " + STORED + " stored",
                                    Samples.percentile(ms, 99),
                                    "ms")
                            .withTarget(300, Better.LOWER));
        }
    }

    /** One retention pass over the jobs finished 40 days ago. */
    private void purge() {
        long before =
                db.count("select count(*) from job where finished_at < now() - interval '30 days'");
        assertThat(db.count("select count(*) from job where log_purged_at is not null"))
                .as("no retention ran before this pass")
                .isZero();
        long start = System.nanoTime();
        long deleted = retention.purge(Instant.now().minus(30, ChronoUnit.DAYS));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(deleted).isEqualTo(before * STORED_LINES_PER_JOB);
        line(
                "retention: %,d lines of %,d jobs finished > 30 days ago deleted in %.1f s = %,.0f lines/s",
                deleted, before, seconds, deleted / seconds);
        figures.add(Figure.of("retention delete, lines/s", deleted / seconds, "lines/s"));
    }

    /** Jobs running attempt 1 on a builder of their own, as an assignment leaves them. */
    private List<UUID[]> runningJobs(int count) {
        List<UUID[]> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            UUID builder = UUID.randomUUID();
            db.execute(
                    """
                    insert into job (id, crate, version, source_url, source_sha256, target, kind,
                        state, attempt, max_attempts, builder_id, lease_expires_at, assigned_at,
                        started_at)
                    values ('%s', 'logbench', '%s', 'https://static.crates.example/x.crate',
                        repeat('a', 64), '%s', 'binary', 'running', 1, 3, '%s',
                        now() + interval '1 hour', now(), now())
                    """
                            .formatted(id, id, TARGET, builder));
            jobs.add(new UUID[] {id, builder});
        }
        return jobs;
    }

    private KafkaProducer<String, byte[]> gatewayProducer() {
        // The gateway's job-events producer: acks=all, idempotent, the client's defaults for
        // linger (5 ms in Kafka 4) and batch size, no compression.
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void line(String format, Object... args) {
        String text = String.format(format, args);
        System.out.println("[benchmark] " + text);
        report.add(text);
    }
}
