package dev.crateforge.gateway.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.gateway.service.GatewayMetrics;
import dev.crateforge.gateway.support.GatewayTest;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Full ed25519 handshakes per second, their latency and the gateway's CPU time per handshake on one
 * gateway instance; then the gateway's heap per idle authenticated connection. The builders run in
 * a second JVM ({@link LoadGenerator}) on the same machine, so this JVM's CPU time and heap are the
 * gateway's. Not a timed test: run it on request and read docs/performance-gateway.md.
 *
 * <pre>
 * ./mvnw -B -ntp -pl gateway-service -am verify \
 *     -Dtest=HandshakeBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     "-Dtest.jvm.args=-Xmx512m -XX:+UseSerialGC" \
 *     [-Dbench.seconds=20 -Dbench.concurrency=24 -Dbench.builders=256 -Dbench.idle=10000]
 * </pre>
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class HandshakeBenchmark extends GatewayTest {

    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);

    /**
     * Full handshakes before anything is measured. C2 needs about a minute here: it compiles on one
     * thread, on the same two cores as everything else, and until it is done its work shows up in
     * the gateway's CPU per handshake.
     */
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 60);

    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 24);
    private static final int BUILDERS = Integer.getInteger("bench.builders", 256);
    private static final int IDLE = Integer.getInteger("bench.idle", 10_000);

    @Inject GatewayMetrics metrics;

    private record Phase(
            String name, int count, int errors, double seconds, double p50, double p99, long cpu) {
        double perSecond() {
            return count / seconds;
        }

        double cpuMillisEach() {
            return cpu / 1e6 / count;
        }
    }

    private record Idle(int opened, int failed, int connected, long heapBefore, long heapAfter) {
        double bytesPerConnection() {
            return (heapAfter - heapBefore) / (double) connected;
        }
    }

    @Test
    void measureHandshakes() throws Exception {
        int keysNeeded = Math.max(BUILDERS, IDLE);
        List<SshPrivateKey> keys = new ArrayList<>(keysNeeded);
        for (int i = 0; i < keysNeeded; i++) {
            keys.add(SshPrivateKey.generateEd25519());
            registry.register(
                    "bench-" + i, keys.get(i).publicKey().openSshLine(), List.of(), 1, true, null);
        }
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
            Map<String, Phase> phases = new LinkedHashMap<>();
            long cpuAtBegin = 0;
            String line;
            while ((line = out.readLine()) != null && !line.equals("PAUSE")) {
                if (line.startsWith("BEGIN ")) {
                    cpuAtBegin = processCpuNanos();
                } else if (line.startsWith("END ")) {
                    Phase phase = phase(line, processCpuNanos() - cpuAtBegin);
                    phases.put(phase.name, phase);
                    System.out.printf(
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
            Idle idle = idle(out, in);

            assertThat(phases.get("full").count).isPositive();
            assertThat(idle.connected).isPositive();
            writeReport(phases.get("bare"), phases.get("full"), idle);
        } finally {
            if (!generator.waitFor(30, TimeUnit.SECONDS)) {
                generator.destroyForcibly();
            }
            Files.deleteIfExists(keyFile);
        }
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
                        Integer.toString(WARMUP_SECONDS))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static Phase phase(String endLine, long cpuNanos) {
        String[] f = endLine.split(" ");
        return new Phase(
                f[1],
                Integer.parseInt(f[2]),
                Integer.parseInt(f[3]),
                Double.parseDouble(f[4]),
                Double.parseDouble(f[5]),
                Double.parseDouble(f[6]),
                cpuNanos);
    }

    /** Weighs the heap, lets the generator open its idle connections, weighs again. */
    private Idle idle(BufferedReader out, OutputStream in) throws Exception {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> metrics.connectedBuilders().get() == 0);
        long before = usedHeapAfterGc();
        in.write("go\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        String line;
        do {
            line = out.readLine();
        } while (line != null && !line.startsWith("READY "));
        assertThat(line).as("the load generator reports READY").isNotNull();
        String[] counts = line.split(" ");
        int opened = Integer.parseInt(counts[1]);
        int failed = Integer.parseInt(counts[2]);
        // Authenticated on the client side is bound here once the last frame is in.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> metrics.connectedBuilders().get() >= opened);
        int connected = metrics.connectedBuilders().get();
        long after = usedHeapAfterGc();
        Idle idle = new Idle(opened, failed, connected, before, after);
        System.out.printf(
                "BENCHMARK idle: %d authenticated connections held by the gateway (%d failed),"
                        + " heap %.1f MiB -> %.1f MiB after GC, %.1f KiB each%n",
                connected,
                failed,
                before / 1048576.0,
                after / 1048576.0,
                idle.bytesPerConnection() / 1024);
        return idle;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private void writeReport(Phase bare, Phase full, Idle idle) throws Exception {
        String report =
                "# Gateway performance\n\n"
                        + "Measured "
                        + LocalDate.now()
                        + " on the development machine ("
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
                        + String.format(
                                "%.1f",
                                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                        + ".\n\n"
                        + "Command:\n\n```sh\n./mvnw -B -ntp -pl gateway-service -am verify"
                        + " -Dtest=HandshakeBenchmark"
                        + " -Dsurefire.failIfNoSpecifiedTests=false"
                        + " \"-Dtest.jvm.args=-Xmx512m -XX:+UseSerialGC\"\n```\n\n"
                        + "## Handshakes\n\n"
                        + CONCURRENCY
                        + " handshakes at once, "
                        + BUILDERS
                        + " registered ed25519 builders rotated, "
                        + SECONDS
                        + " s per phase after "
                        + WARMUP_SECONDS
                        + " s of warm-up; the test profile's logging (two INFO lines"
                        + " per connection, as in production) and limits (auth timeout 3 s, 32"
                        + " pending). Gateway CPU = CPU time of the gateway's JVM during the phase"
                        + " divided by the count.\n\n"
                        + "| phase | count | per second | p50 ms | p99 ms | errors | gateway CPU ms"
                        + " each |\n"
                        + "|---|---|---|---|---|---|---|\n"
                        + row("upgrade + close", bare)
                        + row("full handshake", full)
                        + "\nFull handshake = WebSocket upgrade, Hello, ChallengeRequest, the builder"
                        + " signs (ed25519, protocol library), ChallengeResponse, registry lookup, SSHSIG"
                        + " verify, Authenticated, Connected record to Kafka, close, Disconnected"
                        + " record. Ratio full/bare: "
                        + String.format("%.2f", full.perSecond() / bare.perSecond())
                        + "; the gateway's CPU per full handshake puts one core's capacity at "
                        + String.format("%.0f", 1000 / full.cpuMillisEach())
                        + " handshakes/s.\n\n## Idle authenticated connections\n\n"
                        + idle.connected
                        + " builders connected and authenticated at once ("
                        + idle.opened
                        + " of "
                        + IDLE
                        + " handshakes succeeded, "
                        + idle.failed
                        + " failed or timed out); the gateway's used heap after GC "
                        + String.format("%.1f", idle.heapBefore / 1048576.0)
                        + " MiB before, "
                        + String.format("%.1f", idle.heapAfter / 1048576.0)
                        + " MiB with all of them open: "
                        + String.format("%.1f", idle.bytesPerConnection() / 1024)
                        + " KiB per connection.\n";
        // docs/performance-gateway.md is written by hand from this report and its history.
        Path out = Path.of("target", "benchmark-gateway.md");
        Files.writeString(out, report);
        System.out.println(report);
    }

    private static String row(String name, Phase p) {
        return String.format(
                "| %s | %d | %.0f | %.2f | %.2f | %d | %.3f |%n",
                name, p.count, p.perSecond(), p.p50, p.p99, p.errors, p.cpuMillisEach());
    }
}
