package dev.crateforge.gateway.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.crateforge.gateway.service.GatewayMetrics;
import dev.crateforge.gateway.support.GatewayTest;
import dev.crateforge.localstack.benchmark.BenchmarkResults;
import dev.crateforge.localstack.benchmark.BenchmarkResults.Better;
import dev.crateforge.localstack.benchmark.BenchmarkResults.Figure;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.OpenConnections;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Full ed25519 handshakes per second, their latency and the gateway's CPU time per handshake on one
 * gateway instance, against the ceiling of the same app's bare websockets-next endpoint ({@link
 * EchoEndpoint}: upgrade, one echo, close) driven by the same client at the same concurrency; then
 * the gateway's heap per idle connection, for bare echo connections and for authenticated builders,
 * with as many connections as this process's file limit allows. The builders run in a second JVM
 * ({@link LoadGenerator}) on the same machine, so this JVM's CPU time and heap are the gateway's,
 * and it holds one socket per connection, not two. Not a timed test: run it on request (see
 * docs/performance-gateway.md); its figures go to {@link BenchmarkResults}.
 *
 * <pre>
 * ./mvnw -B -ntp verify -Pbenchmarks
 * ./mvnw -B -ntp -pl gateway-service -am verify -DskipITs \
 *     -Dtest=HandshakeBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     "-Dtest.jvm.args=-Xmx512m -XX:+UseSerialGC" \
 *     [-Dbench.seconds=20 -Dbench.rounds=4 -Dbench.warmup=60 -Dbench.concurrency=24 \
 *      -Dbench.builders=256 -Dbench.idle=0]
 * </pre>
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class HandshakeBenchmark extends GatewayTest {

    /** Seconds of each measured phase (echo and full), split into {@link #ROUNDS} rounds. */
    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);

    /**
     * The echo and full phases alternate this many times, so that a slow stretch of the shared
     * machine falls on both alike.
     */
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 4);

    /**
     * Full handshakes before anything is measured. C2 needs about a minute here: it compiles on one
     * thread, on the same two cores as everything else, and until it is done its work shows up in
     * the gateway's CPU per handshake.
     */
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 60);

    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 24);
    private static final int BUILDERS = Integer.getInteger("bench.builders", 256);

    /** Idle connections to hold; 0 (the default) means as many as the file limit allows. */
    private static final int IDLE = Integer.getInteger("bench.idle", 0);

    /**
     * File descriptors left free beside the idle connections: the pools, Kafka clients and jars
     * that this JVM may still open while they are held.
     */
    private static final int FD_HEADROOM = 400;

    /** The figure to meet: a full handshake at ≥ 60 % of the rate of a bare echo connection. */
    private static final double HANDSHAKE_RATIO_TARGET = 0.6;

    /** The figure to meet: heap per idle authenticated builder, KiB. */
    private static final double HEAP_PER_BUILDER_TARGET_KIB = 12;

    @Inject GatewayMetrics metrics;
    @Inject OpenConnections openConnections;

    private record Phase(
            String name, int count, int errors, double seconds, double p50, double p99, long cpu) {
        double perSecond() {
            return count / seconds;
        }

        double cpuMillisEach() {
            return cpu / 1e6 / count;
        }
    }

    private record Idle(int opened, int failed, int held, long heapBefore, long heapAfter) {
        double kibPerConnection() {
            return (heapAfter - heapBefore) / (double) held / 1024;
        }
    }

    @Test
    void measureHandshakes() throws Exception {
        long fdLimit = os().getMaxFileDescriptorCount();
        long fdOpen = os().getOpenFileDescriptorCount();
        int room = (int) Math.max(0, fdLimit - fdOpen - FD_HEADROOM);
        int population = IDLE > 0 ? Math.min(IDLE, room) : room;
        System.out.printf(
                "BENCHMARK file limit %d, %d open: %d idle connections%n",
                fdLimit, fdOpen, population);
        List<SshPrivateKey> keys = registerBuilders(Math.max(BUILDERS, population));
        Path keyFile = Files.createTempFile("bench", ".keys");
        Files.writeString(
                keyFile,
                keys.stream().map(SshPrivateKey::toOpenSsh).collect(Collectors.joining("\n\n")));
        Process generator = startGenerator(keyFile);
        try (BufferedReader out =
                        new BufferedReader(
                                new InputStreamReader(
                                        generator.getInputStream(), StandardCharsets.UTF_8));
                OutputStream in = generator.getOutputStream()) {
            Map<String, Phase> phases = phases(out);
            Idle echo = idleEcho(out, in);
            Idle builders = idleBuilders(out, in);
            assertThat(phases.get("full").count).isPositive();
            assertThat(builders.held).isPositive();
            record(phases.get("echo"), phases.get("full"), echo, builders, population);
            writeReport(phases.get("echo"), phases.get("full"), echo, builders, fdLimit);
        } finally {
            if (!generator.waitFor(30, TimeUnit.SECONDS)) {
                generator.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(keyFile);
        }
    }

    /** Registers {@code count} ed25519 builders, a few at once (not measured). */
    private List<SshPrivateKey> registerBuilders(int count) throws Exception {
        List<SshPrivateKey> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(SshPrivateKey.generateEd25519());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int n = i;
                done.add(
                        pool.submit(
                                () ->
                                        registry.register(
                                                "bench-" + n,
                                                keys.get(n).publicKey().openSshLine(),
                                                List.of(),
                                                1,
                                                true,
                                                null)));
            }
            for (Future<?> registered : done) {
                registered.get();
            }
        } finally {
            pool.shutdown();
        }
        return keys;
    }

    /** Reads the load phases' lines up to {@code PAUSE}; CPU time is summed over their rounds. */
    private static Map<String, Phase> phases(BufferedReader out) throws Exception {
        Map<String, Phase> phases = new LinkedHashMap<>();
        Map<String, Long> cpu = new HashMap<>();
        long cpuAtBegin = 0;
        String line;
        while ((line = out.readLine()) != null && !line.equals("PAUSE")) {
            if (line.startsWith("BEGIN ")) {
                cpuAtBegin = processCpuNanos();
            } else if (line.startsWith("STOP ")) {
                cpu.merge(line.substring(5), processCpuNanos() - cpuAtBegin, Long::sum);
            } else if (line.startsWith("END ")) {
                String[] f = line.split(" ");
                Phase phase =
                        new Phase(
                                f[1],
                                Integer.parseInt(f[2]),
                                Integer.parseInt(f[3]),
                                Double.parseDouble(f[4]),
                                Double.parseDouble(f[5]),
                                Double.parseDouble(f[6]),
                                cpu.getOrDefault(f[1], 0L));
                phases.put(phase.name, phase);
                System.out.printf(
                        Locale.ROOT,
                        "BENCHMARK %s: %d in %.1f s = %.0f/s, p50 %.2f ms, p99 %.2f ms,"
                                + " errors %d, gateway CPU %.3f ms each%n",
                        phase.name,
                        phase.count,
                        phase.seconds,
                        phase.perSecond(),
                        phase.p50,
                        phase.p99,
                        phase.errors,
                        phase.cpuMillisEach());
            }
        }
        assertThat(line).as("the load generator reached its idle phase").isEqualTo("PAUSE");
        return phases;
    }

    private Process startGenerator(Path keyFile) throws Exception {
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx1g",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LoadGenerator.class.getName(),
                        Integer.toString(base.getPort()),
                        keyFile.toString(),
                        Integer.toString(CONCURRENCY),
                        Integer.toString(SECONDS),
                        Integer.toString(BUILDERS),
                        Integer.toString(WARMUP_SECONDS),
                        Integer.toString(ROUNDS))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    /** The ceiling of the heap figure: idle connections of the bare echo endpoint. */
    private Idle idleEcho(BufferedReader out, OutputStream in) throws Exception {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> openConnections.stream().count() == 0);
        long before = usedHeapAfterGc();
        String histogramBefore = classHistogram();
        String[] ready = command(out, in, "echo", "READY ");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> openConnections.stream().count() >= Integer.parseInt(ready[1]));
        int held = (int) openConnections.stream().count();
        Idle idle =
                new Idle(
                        Integer.parseInt(ready[1]),
                        Integer.parseInt(ready[2]),
                        held,
                        before,
                        usedHeapAfterGc());
        print("echo connections", idle);
        HeapHistogram.write(
                histogramBefore,
                classHistogram(),
                held,
                Path.of("target", "benchmark-gateway-histogram-echo.txt"));
        command(out, in, "close", "CLOSED ");
        return idle;
    }

    /**
     * Weighs the heap and the classes on it, lets the generator authenticate its idle builders,
     * weighs again.
     */
    private Idle idleBuilders(BufferedReader out, OutputStream in) throws Exception {
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                metrics.connectedBuilders().get() == 0
                                        && openConnections.stream().count() == 0);
        long before = usedHeapAfterGc();
        String histogramBefore = classHistogram();
        String[] ready = command(out, in, "builders", "READY ");
        int opened = Integer.parseInt(ready[1]);
        // Authenticated on the client side is bound here once the last frame is in.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> metrics.connectedBuilders().get() >= opened);
        int held = metrics.connectedBuilders().get();
        Idle idle = new Idle(opened, Integer.parseInt(ready[2]), held, before, usedHeapAfterGc());
        print("authenticated builders", idle);
        HeapHistogram.write(
                histogramBefore,
                classHistogram(),
                held,
                Path.of("target", "benchmark-gateway-histogram.txt"));
        return idle;
    }

    private static String[] command(
            BufferedReader out, OutputStream in, String command, String answer) throws Exception {
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        String line;
        do {
            line = out.readLine();
        } while (line != null && !line.startsWith(answer));
        assertThat(line).as("the load generator answers %s with %s", command, answer).isNotNull();
        return line.split(" ");
    }

    private static void print(String what, Idle idle) {
        System.out.printf(
                Locale.ROOT,
                "BENCHMARK idle: %d %s held by the gateway (%d failed),"
                        + " heap %.1f MiB -> %.1f MiB after GC, %.2f KiB each%n",
                idle.held,
                what,
                idle.failed,
                idle.heapBefore / 1048576.0,
                idle.heapAfter / 1048576.0,
                idle.kibPerConnection());
    }

    private static UnixOperatingSystemMXBean os() {
        return (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    }

    private static long processCpuNanos() {
        return os().getProcessCpuTime();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** What {@code jcmd <pid> GC.class_histogram} prints (after a full GC), for this JVM. */
    private static String classHistogram() throws Exception {
        return (String)
                ManagementFactory.getPlatformMBeanServer()
                        .invoke(
                                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                                "gcClassHistogram",
                                new Object[] {new String[0]},
                                new String[] {String[].class.getName()});
    }

    private static void record(
            Phase echo, Phase full, Idle echoIdle, Idle builders, int population) {
        String ceiling = "websockets-next upgrade + one echo + close, same app and client";
        BenchmarkResults.record(
                "gateway",
                List.of(
                        Figure.of("full ed25519 handshakes", full.perSecond(), "handshakes/s")
                                .withCeiling(ceiling, echo.perSecond())
                                .withTarget(HANDSHAKE_RATIO_TARGET, Better.HIGHER),
                        Figure.of("full handshake p50", full.p50, "ms")
                                .withCeiling(ceiling, echo.p50),
                        Figure.of("full handshake p99", full.p99, "ms")
                                .withCeiling(ceiling, echo.p99),
                        Figure.of("gateway CPU per full handshake", full.cpuMillisEach(), "ms")
                                .withCeiling(ceiling, echo.cpuMillisEach()),
                        Figure.of(
                                        "heap per idle authenticated builder",
                                        builders.kibPerConnection(),
                                        "KiB")
                                .withTarget(HEAP_PER_BUILDER_TARGET_KIB, Better.LOWER),
                        Figure.of(
                                "heap per idle websockets-next echo connection",
                                echoIdle.kibPerConnection(),
                                "KiB"),
                        Figure.of("idle authenticated builders held", builders.held, "connections")
                                .withCeiling("what the file limit allows", population)
                                .withTarget(1.0, Better.HIGHER)));
    }

    private void writeReport(Phase echo, Phase full, Idle echoIdle, Idle builders, long fdLimit)
            throws Exception {
        String report =
                "# Gateway performance\n\n"
                        + "Measured "
                        + LocalDate.now()
                        + " ("
                        + Runtime.getRuntime().availableProcessors()
                        + " cores, JDK "
                        + System.getProperty("java.version")
                        + "), PostgreSQL and Kafka of the local stack on the same machine. Gateway JVM"
                        + " flags `"
                        + String.join(
                                " ",
                                ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                                        .filter(a -> a.startsWith("-X"))
                                        .toList())
                        + "`; the builders run in a second JVM on the same cores. Load average when the"
                        + " run ended: "
                        + String.format(Locale.ROOT, "%.1f", os().getSystemLoadAverage())
                        + ".\n\n"
                        + "## Handshakes\n\n"
                        + CONCURRENCY
                        + " connections at once, "
                        + BUILDERS
                        + " registered ed25519 builders rotated, "
                        + SECONDS
                        + " s per phase in "
                        + ROUNDS
                        + " alternating rounds after "
                        + WARMUP_SECONDS
                        + " s of warm-up. Gateway CPU = CPU time of the gateway's JVM during the"
                        + " phase divided by the count.\n\n"
                        + "| phase | count | per second | p50 ms | p99 ms | errors | gateway CPU ms"
                        + " each |\n"
                        + "|---|---|---|---|---|---|---|\n"
                        + row("ceiling: upgrade + echo + close", echo)
                        + row("full handshake", full)
                        + String.format(
                                Locale.ROOT,
                                "%nRatio full/ceiling: **%.2f** (target ≥ %.1f).%n%n",
                                full.perSecond() / echo.perSecond(),
                                HANDSHAKE_RATIO_TARGET)
                        + "## Idle connections\n\n"
                        + "File limit "
                        + fdLimit
                        + ".\n\n"
                        + "| connections | held | failed | heap before MiB | heap after MiB | KiB each |\n"
                        + "|---|---|---|---|---|---|\n"
                        + idleRow("echo (ceiling)", echoIdle)
                        + idleRow("authenticated builders", builders)
                        + "\nTop holders per connection: target/benchmark-gateway-histogram.txt (builders),"
                        + " target/benchmark-gateway-histogram-echo.txt (echo).\n";
        Path out = Path.of("target", "benchmark-gateway.md");
        Files.writeString(out, report);
        System.out.println(report);
    }

    private static String row(String name, Phase p) {
        return String.format(
                Locale.ROOT,
                "| %s | %d | %.0f | %.2f | %.2f | %d | %.3f |%n",
                name,
                p.count,
                p.perSecond(),
                p.p50,
                p.p99,
                p.errors,
                p.cpuMillisEach());
    }

    private static String idleRow(String name, Idle idle) {
        return String.format(
                Locale.ROOT,
                "| %s | %d | %d | %.1f | %.1f | %.2f |%n",
                name,
                idle.held,
                idle.failed,
                idle.heapBefore / 1048576.0,
                idle.heapAfter / 1048576.0,
                idle.kibPerConnection());
    }
}
