package dev.crateforge.gateway.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.gateway.service.GatewayMetrics;
import dev.crateforge.gateway.support.GatewayTest;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Full ed25519 handshakes per second and their latency on one gateway instance with the load
 * generator in the same JVM, then the gateway's heap per idle authenticated connection with the
 * idle builders in a JVM of their own ({@link IdleFleet}). Not a timed test: run it on request and
 * read docs/performance-gateway.md.
 *
 * <pre>
 * ./mvnw -B -ntp -pl gateway-service -am verify -Dgateway.excludedGroups= -Dgroups=benchmark \
 *     -Dtest=HandshakeBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     "-Dtest.jvm.args=-Xmx512m -XX:+UseSerialGC" \
 *     [-Dbench.seconds=20 -Dbench.concurrency=24 -Dbench.builders=256 -Dbench.idle=10000]
 * </pre>
 */
@QuarkusTest
@Tag("benchmark")
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class HandshakeBenchmark extends GatewayTest {

    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 24);
    private static final int BUILDERS = Integer.getInteger("bench.builders", 256);
    private static final int IDLE = Integer.getInteger("bench.idle", 10_000);

    @Inject Vertx vertx;
    @Inject GatewayMetrics metrics;

    private WebSocketClient client;

    @Test
    void measureHandshakes() throws Exception {
        client =
                vertx.createWebSocketClient(
                        new WebSocketClientOptions()
                                .setDefaultHost("localhost")
                                .setDefaultPort(base.getPort()));
        int keysNeeded = Math.max(BUILDERS, IDLE);
        List<SshPrivateKey> keys = new ArrayList<>(keysNeeded);
        for (int i = 0; i < keysNeeded; i++) {
            keys.add(SshPrivateKey.generateEd25519());
            registry.register(
                    "bench-" + i, keys.get(i).publicKey().openSshLine(), List.of(), 1, true);
        }
        List<SshPrivateKey> loadKeys = keys.subList(0, BUILDERS);

        run("warm-up", 5, loadKeys, true);
        Result bare = run("upgrade + close", SECONDS, loadKeys, false);
        Result full = run("full handshake", SECONDS, loadKeys, true);
        client.close();
        Idle idle = idleFleet(keys.subList(0, IDLE));

        assertThat(full.count).isPositive();
        assertThat(idle.opened).isPositive();
        writeReport(bare, full, idle);
    }

    private record Result(String name, int count, int errors, double seconds, List<Long> nanos) {
        double perSecond() {
            return count / seconds;
        }

        double percentileMillis(double p) {
            int index = (int) Math.min(nanos.size() - 1, Math.ceil(p * nanos.size()) - 1);
            return nanos.get(Math.max(0, index)) / 1e6;
        }
    }

    private record Idle(int opened, int failed, int connected, long heapBefore, long heapAfter) {
        double bytesPerConnection() {
            return (heapAfter - heapBefore) / (double) connected;
        }
    }

    private Result run(String name, int seconds, List<SshPrivateKey> keys, boolean authenticate)
            throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(CONCURRENCY);
        long start = System.nanoTime();
        for (int worker = 0; worker < CONCURRENCY; worker++) {
            // Each worker owns its keys, so no two concurrent handshakes are the same builder.
            List<SshPrivateKey> own = new ArrayList<>();
            for (int i = worker; i < keys.size(); i += CONCURRENCY) {
                own.add(keys.get(i));
            }
            loop(own, 0, end, authenticate, latencies, errors, done);
        }
        assertThat(done.await(seconds + 60L, TimeUnit.SECONDS)).isTrue();
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        Result result = new Result(name, sorted.size(), errors.get(), elapsed, sorted);
        System.out.printf(
                "BENCHMARK %s: %d in %.1f s = %.0f/s, p50 %.2f ms, p99 %.2f ms, errors %d%n",
                name,
                result.count,
                elapsed,
                result.perSecond(),
                result.percentileMillis(0.50),
                result.percentileMillis(0.99),
                result.errors);
        return result;
    }

    private void loop(
            List<SshPrivateKey> keys,
            int next,
            long end,
            boolean authenticate,
            List<Long> latencies,
            AtomicInteger errors,
            CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        long start = System.nanoTime();
        CompletableFuture<WebSocket> attempt =
                authenticate
                        ? HandshakeClient.authenticate(client, keys.get(next % keys.size()), true)
                        : HandshakeClient.upgradeAndClose(client);
        attempt.whenComplete(
                (ws, failure) -> {
                    if (failure == null) {
                        latencies.add(System.nanoTime() - start);
                    } else {
                        errors.incrementAndGet();
                    }
                    loop(keys, next + 1, end, authenticate, latencies, errors, done);
                });
    }

    /** Opens one authenticated connection per key from another JVM and weighs this one's heap. */
    private Idle idleFleet(List<SshPrivateKey> keys) throws Exception {
        Path keyFile = Files.createTempFile("idle-fleet", ".keys");
        Files.writeString(
                keyFile,
                keys.stream().map(SshPrivateKey::toOpenSsh).collect(Collectors.joining("\n\n")));
        long before = usedHeapAfterGc();
        Process fleet =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx1g",
                                "-cp",
                                System.getProperty("java.class.path"),
                                IdleFleet.class.getName(),
                                Integer.toString(base.getPort()),
                                keyFile.toString(),
                                Integer.toString(CONCURRENCY))
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(fleet.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("READY "));
            assertThat(line).as("the idle fleet reports READY").isNotNull();
            String[] counts = line.split(" ");
            int opened = Integer.parseInt(counts[1]);
            int failed = Integer.parseInt(counts[2]);
            // Authenticated on the client side means bound here only once the last frame is in.
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
        } finally {
            fleet.getOutputStream().close();
            if (!fleet.waitFor(30, TimeUnit.SECONDS)) {
                fleet.destroyForcibly();
            }
            Files.deleteIfExists(keyFile);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private void writeReport(Result bare, Result full, Idle idle) throws Exception {
        String report =
                "# Gateway performance\n\n"
                        + "Measured "
                        + LocalDate.now()
                        + " on the development machine (2 cores, 24 GiB RAM, JDK "
                        + System.getProperty("java.version")
                        + "), PostgreSQL and Kafka of the local stack running beside it. Test JVM"
                        + " flags `"
                        + String.join(
                                " ",
                                ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                                        .filter(a -> a.startsWith("-X"))
                                        .toList())
                        + "`; load average of the machine when the run ended: "
                        + String.format(
                                "%.1f",
                                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                        + ". Numbers on this machine vary ±2x with what else runs; compare the ratio to"
                        + " the bare upgrade rate of the same run.\n\n"
                        + "Command:\n\n```sh\n./mvnw -B -ntp -pl gateway-service -am verify"
                        + " -Dgateway.excludedGroups= -Dgroups=benchmark -Dtest=HandshakeBenchmark"
                        + " -Dsurefire.failIfNoSpecifiedTests=false"
                        + " \"-Dtest.jvm.args=-Xmx512m -XX:+UseSerialGC\"\n```\n\n"
                        + "## Handshakes\n\n"
                        + "Gateway and load generator in ONE JVM: "
                        + CONCURRENCY
                        + " concurrent clients, "
                        + BUILDERS
                        + " registered ed25519 builders rotated per client, "
                        + SECONDS
                        + " s per phase after a 5 s warm-up; the test profile's logging (two INFO lines"
                        + " per connection, as in production) and limits (auth timeout 3 s, 32"
                        + " pending).\n\n"
                        + "| phase | count | per second | p50 ms | p99 ms | errors |\n"
                        + "|---|---|---|---|---|---|\n"
                        + row(bare)
                        + row(full)
                        + "\nFull handshake = WebSocket upgrade, Hello, ChallengeRequest, client signs"
                        + " (ed25519, protocol library), ChallengeResponse, registry lookup, SSHSIG"
                        + " verify, Authenticated, Connected record to Kafka, close, Disconnected"
                        + " record. Ratio full/bare: "
                        + String.format("%.2f", full.perSecond() / bare.perSecond())
                        + ".\n\n## Idle authenticated connections\n\n"
                        + "Held by a separate client JVM (`IdleFleet`), so the heap below is the"
                        + " gateway's alone (plus the test harness): "
                        + idle.connected
                        + " connected builders ("
                        + idle.opened
                        + " of "
                        + IDLE
                        + " handshakes succeeded, "
                        + idle.failed
                        + " failed or timed out); used heap after GC "
                        + String.format("%.1f", idle.heapBefore / 1048576.0)
                        + " MiB before, "
                        + String.format("%.1f", idle.heapAfter / 1048576.0)
                        + " MiB with them all open: "
                        + String.format("%.1f", idle.bytesPerConnection() / 1024)
                        + " KiB per connection.\n";
        Path out = Path.of("..", "docs", "performance-gateway.md");
        Files.writeString(out, report);
        System.out.println(report);
    }

    private static String row(Result r) {
        return String.format(
                "| %s | %d | %.0f | %.2f | %.2f | %d |%n",
                r.name,
                r.count,
                r.perSecond(),
                r.percentileMillis(0.5),
                r.percentileMillis(0.99),
                r.errors);
    }
}
