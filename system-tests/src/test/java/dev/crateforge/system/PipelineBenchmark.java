package dev.crateforge.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.LocalStack;
import dev.crateforge.localstack.LocalStackOptions;
import dev.crateforge.localstack.benchmark.BenchmarkResults;
import dev.crateforge.localstack.benchmark.BenchmarkResults.Better;
import dev.crateforge.localstack.benchmark.BenchmarkResults.Figure;
import dev.crateforge.localstack.benchmark.Samples;
import dev.crateforge.localstack.server.ChildJvm;
import dev.crateforge.localstack.server.ServerProcess;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.JobStateChanged;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline, issue #18: complete job cycles through the three real services (packaged jars
 * in child JVMs) on the local stack's real PostgreSQL, Kafka and S3Proxy, driven by {@link
 * ProtocolBuilder}s (the protocol without cargo). Jobs are submitted through the scheduler's API
 * with an operator token, each one a {@code metadata} job of its own crate; builders take them,
 * stream stage changes and log lines, upload the artifact with the job token, and send the signed
 * response; a job counts when its {@code succeeded} record is on the JobStateChanged topic.
 *
 * <p>Closed loop: at most {@code bench.pipeline.inflight} jobs are submitted and not yet succeeded,
 * so the queue never runs dry and never grows without bound. After a warm-up (C2 done in every
 * JVM), the measured window gives complete jobs/s, submit-to-succeeded p50/p99, and CPU
 * milliseconds per job for each process from {@code /proc/<pid>/stat} (PostgreSQL: every process
 * under its postmaster, reaped backends included). Not part of the test run; see
 * docs/performance.md, "Whole pipeline".
 */
class PipelineBenchmark {

    private static final int BUILDERS = Integer.getInteger("bench.pipeline.builders", 8);
    private static final int SLOTS = Integer.getInteger("bench.pipeline.slots", 4);
    private static final int INFLIGHT =
            Math.max(1, Integer.getInteger("bench.pipeline.inflight", BUILDERS * SLOTS * 3 / 2));
    private static final int LOG_LINES = Integer.getInteger("bench.pipeline.log-lines", 5);
    private static final int SUBMITTERS = Integer.getInteger("bench.pipeline.submitters", 8);
    private static final Duration WARM_UP =
            Duration.ofSeconds(Integer.getInteger("bench.pipeline.warmup-seconds", 60));
    private static final Duration WINDOW =
            Duration.ofSeconds(Integer.getInteger("bench.pipeline.measure-seconds", 60));
    private static final double TARGET_JOBS_PER_SECOND = 200;
    private static final String TARGET = "x86_64-unknown-linux-gnu";

    /** Linux's USER_HZ, the unit of the CPU times in /proc/<pid>/stat. */
    private static final double MILLIS_PER_TICK = 10;

    /** Kept under target/ so that the services' logs (system/logs) outlive a failed run. */
    private Path work;

    /** Submit and succeeded times of every job, nanoTime; whichever side comes first makes it. */
    private final Map<UUID, long[]> jobs = new ConcurrentHashMap<>();

    private final Semaphore inflight = new Semaphore(INFLIGHT);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong failedJobs = new AtomicLong();
    private final AtomicLong submitErrors = new AtomicLong();
    private volatile String lastSubmitError;

    @Test
    void measure() throws Exception {
        // The services and servers run C1-only by default (quick starts for tests); measure them
        // with C2, as they run in production.
        String childOptions = System.getProperty(ChildJvm.EXTRA_OPTIONS_PROPERTY);
        if (childOptions == null) {
            System.setProperty(ChildJvm.EXTRA_OPTIONS_PROPERTY, "-XX:TieredStopAtLevel=4");
        }
        Files.createDirectories(Path.of("target"));
        work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "pipeline-benchmark-");
        long startBegin = System.nanoTime();
        try (LocalStack stack = LocalStack.start(LocalStackOptions.defaults());
                CrateForgeSystem system =
                        CrateForgeSystem.start(
                                stack, CrateForgeSystem.Options.defaults(work.resolve("system")))) {
            restore(childOptions);
            long startedMillis = (System.nanoTime() - startBegin) / 1_000_000;
            run(stack, system, startedMillis);
        } finally {
            restore(childOptions);
        }
    }

    private void run(LocalStack stack, CrateForgeSystem system, long startedMillis)
            throws Exception {
        CrateForgeClient client = system.client();
        HttpClient http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
        List<ProtocolBuilder> builders = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> states = jobStates(stack, system)) {
            for (int i = 0; i < BUILDERS; i++) {
                SshPrivateKey key = SshPrivateKey.generateEd25519();
                client.registerBuilder(
                        "pipeline-" + i, key.publicKey().openSshLine(), List.of(TARGET), SLOTS);
                builders.add(
                        ProtocolBuilder.connect(
                                system.builderUrl(system.gateway()),
                                key,
                                List.of(TARGET),
                                SLOTS,
                                LOG_LINES,
                                http));
            }
            threads.add(daemon("job-states", () -> follow(states)));
            AtomicLong counter = new AtomicLong();
            for (int i = 0; i < SUBMITTERS; i++) {
                threads.add(daemon("submit-" + i, () -> submitLoop(client, counter)));
            }
            threads.forEach(Thread::start);
            System.out.printf(
                    Locale.ROOT,
                    "[benchmark] pipeline: system up in %d ms; %d builders x %d slots, %d jobs in"
                            + " flight, %d log lines per job; warming up for %s%n",
                    startedMillis,
                    BUILDERS,
                    SLOTS,
                    INFLIGHT,
                    LOG_LINES,
                    WARM_UP);
            Thread.sleep(WARM_UP.toMillis());
            assertHealthy(builders);

            Map<String, Supplier<Long>> processes = processes(stack, system);
            Map<String, Long> cpuBefore = snapshot(processes);
            long windowStart = System.nanoTime();
            Thread.sleep(WINDOW.toMillis());
            long windowEnd = System.nanoTime();
            Map<String, Long> cpuAfter = snapshot(processes);
            double load = Samples.loadAverage();

            running.set(false);
            threads.forEach(Thread::interrupt);
            for (Thread thread : threads) {
                thread.join(10_000);
            }
            assertHealthy(builders);
            record(builders, windowStart, windowEnd, cpuBefore, cpuAfter, load);
        } finally {
            running.set(false);
            threads.forEach(Thread::interrupt);
            builders.forEach(ProtocolBuilder::close);
        }
    }

    private void submitLoop(CrateForgeClient client, AtomicLong counter) {
        while (running.get()) {
            try {
                inflight.acquire();
            } catch (InterruptedException e) {
                return;
            }
            long n = counter.incrementAndGet();
            String crate = "pipe" + n;
            long submitted = System.nanoTime();
            try {
                UUID id =
                        client.submit(
                                new CrateForgeClient.JobSpec(
                                        crate,
                                        "1.0.0",
                                        "http://127.0.0.1:9/crates/" + crate + "-1.0.0.crate",
                                        "%064x".formatted(n),
                                        TARGET,
                                        "metadata"));
                jobs.compute(
                        id,
                        (k, times) -> {
                            long[] t = times == null ? new long[] {0, 0} : times;
                            t[0] = submitted;
                            return t;
                        });
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                submitErrors.incrementAndGet();
                lastSubmitError = e.toString();
                inflight.release();
            }
        }
    }

    /** Marks jobs done as their {@code succeeded} (or {@code failed}) records arrive. */
    private void follow(KafkaConsumer<String, byte[]> states) {
        while (running.get()) {
            for (ConsumerRecord<String, byte[]> record : states.poll(Duration.ofMillis(100))) {
                long now = System.nanoTime();
                JobStateChanged change;
                try {
                    change = RecordCodec.decode(record.value(), JobStateChanged.class);
                } catch (Exception e) {
                    continue;
                }
                if (change.state() == JobState.SUCCEEDED) {
                    jobs.compute(
                            change.jobId(),
                            (k, times) -> {
                                long[] t = times == null ? new long[] {0, 0} : times;
                                t[1] = now;
                                return t;
                            });
                    inflight.release();
                } else if (change.state() == JobState.FAILED
                        || change.state() == JobState.CANCELLED) {
                    failedJobs.incrementAndGet();
                    inflight.release();
                }
            }
        }
    }

    private static KafkaConsumer<String, byte[]> jobStates(
            LocalStack stack, CrateForgeSystem system) {
        Properties config = new Properties();
        config.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.addresses().kafka().bootstrapServers());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config);
        String topic = Topics.prefixed(system.topicPrefix(), Topics.JOB_STATES);
        List<TopicPartition> partitions =
                consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private void assertHealthy(List<ProtocolBuilder> builders) {
        for (ProtocolBuilder builder : builders) {
            assertThat(builder.failures())
                    .as("failures of a builder (last: %s)", builder.lastFailure())
                    .isZero();
        }
        assertThat(failedJobs.get()).as("jobs that failed").isZero();
        assertThat(submitErrors.get())
                .as("submissions refused (last: %s)", lastSubmitError)
                .isZero();
    }

    private void record(
            List<ProtocolBuilder> builders,
            long windowStart,
            long windowEnd,
            Map<String, Long> cpuBefore,
            Map<String, Long> cpuAfter,
            double load) {
        long retries = builders.stream().mapToLong(ProtocolBuilder::uploadRetries).sum();
        builders.stream()
                .map(ProtocolBuilder::lastUploadRetry)
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .ifPresent(
                        a ->
                                System.out.println(
                                        "[benchmark] pipeline: an upload retried after " + a));
        List<Double> latencies = new ArrayList<>();
        for (long[] t : jobs.values()) {
            if (t[1] >= windowStart && t[1] < windowEnd && t[0] != 0) {
                latencies.add((t[1] - t[0]) / 1e6);
            }
        }
        assertThat(latencies).as("jobs that succeeded in the measured window").isNotEmpty();
        double seconds = (windowEnd - windowStart) / 1e9;
        int done = latencies.size();
        double rate = done / seconds;
        double[] latencyMs = latencies.stream().mapToDouble(Double::doubleValue).toArray();
        List<Figure> figures = new ArrayList<>();
        figures.add(
                Figure.of("complete jobs per second", rate, "jobs/s")
                        .withTarget(TARGET_JOBS_PER_SECOND, Better.HIGHER));
        figures.add(Figure.of("submit-to-succeeded p50", Samples.percentile(latencyMs, 50), "ms"));
        figures.add(Figure.of("submit-to-succeeded p99", Samples.percentile(latencyMs, 99), "ms"));
        figures.add(Figure.of("upload retries (whole run)", retries, "uploads"));
        for (String process : cpuBefore.keySet()) {
            double millis = (cpuAfter.get(process) - cpuBefore.get(process)) * MILLIS_PER_TICK;
            figures.add(Figure.of("CPU per job: " + process, millis / done, "ms"));
        }
        System.out.printf(
                Locale.ROOT,
                "[benchmark] pipeline: %d jobs in %.1f s, load average %.2f, %d builders x %d"
                        + " slots, %d in flight%n",
                done,
                seconds,
                load,
                BUILDERS,
                SLOTS,
                INFLIGHT);
        BenchmarkResults.record("pipeline", figures);
    }

    /** CPU ticks (user + system) so far of each process that takes part, by name. */
    private static Map<String, Supplier<Long>> processes(
            LocalStack stack, CrateForgeSystem system) {
        Map<String, Supplier<Long>> processes = new LinkedHashMap<>();
        processes.put("gateway", ticksOf(system.gateway().handle()));
        processes.put("scheduler", ticksOf(system.scheduler().handle()));
        processes.put("artifact service", ticksOf(system.artifacts().handle()));
        ProcessHandle postmaster = postmaster(stack);
        processes.put("Kafka", ticksOf(server(stack, "Kafka").handle()));
        // pg_ctl detaches the postmaster from the JVM that started it (which only waits); the
        // server is the postmaster and its children, and the backends that ended are in the
        // postmaster's reaped children's times.
        processes.put(
                "PostgreSQL",
                () ->
                        Stream.concat(Stream.of(postmaster), postmaster.descendants())
                                .mapToLong(p -> ticks(p.pid(), true))
                                .sum());
        processes.put("S3Proxy", ticksOf(server(stack, "S3Proxy").handle()));
        processes.put("load generator", ticksOf(ProcessHandle.current()));
        processes.put("whole machine", PipelineBenchmark::machineTicks);
        return processes;
    }

    /** The postmaster, by the pid it wrote in its data directory. */
    private static ProcessHandle postmaster(LocalStack stack) {
        try {
            Path pidFile = stack.dataDir().resolve("postgres").resolve("postmaster.pid");
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
            return ProcessHandle.of(pid)
                    .orElseThrow(() -> new IllegalStateException("no postmaster " + pid));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the postmaster's pid", e);
        }
    }

    private static ServerProcess server(LocalStack stack, String name) {
        return stack.processes().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + name + " in the stack"));
    }

    private static Supplier<Long> ticksOf(ProcessHandle process) {
        return () -> ticks(process.pid(), false);
    }

    private static Map<String, Long> snapshot(Map<String, Supplier<Long>> processes) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        processes.forEach((name, reader) -> ticks.put(name, reader.get()));
        return ticks;
    }

    /** utime + stime (+ cutime + cstime) from /proc/<pid>/stat; 0 for a process that is gone. */
    private static long ticks(long pid, boolean withChildren) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces; the fields after it start after ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            if (withChildren) {
                ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
            }
            return ticks;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Every core's non-idle ticks, from the first line of /proc/stat. */
    private static long machineTicks() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String[] f = lines.findFirst().orElseThrow().trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            return Long.parseLong(f[1])
                    + Long.parseLong(f[2])
                    + Long.parseLong(f[3])
                    + Long.parseLong(f[6])
                    + Long.parseLong(f[7])
                    + Long.parseLong(f[8]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void restore(String childOptions) {
        if (childOptions == null) {
            System.clearProperty(ChildJvm.EXTRA_OPTIONS_PROPERTY);
        }
    }
}
