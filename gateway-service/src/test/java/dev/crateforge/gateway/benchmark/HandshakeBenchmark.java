package dev.crateforge.gateway.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.gateway.support.GatewayTest;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.message.AuthChallenge;
import dev.crateforge.protocol.message.Authenticated;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.ChallengeRequest;
import dev.crateforge.protocol.message.ChallengeResponse;
import dev.crateforge.protocol.message.Hello;
import dev.crateforge.protocol.message.MessageCodec;
import dev.crateforge.protocol.message.ServerMessage;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Full ed25519 handshakes per second, their latency, and heap per idle authenticated connection, on
 * one gateway instance with the load generator in the same JVM. Not a timed test: run it on request
 * and read docs/performance-gateway.md.
 *
 * <pre>
 * ./mvnw -B -ntp -pl gateway-service -am verify -Dgateway.excludedGroups= -Dgroups=benchmark \
 *     [-Dbench.seconds=20 -Dbench.concurrency=32 -Dbench.builders=256 -Dbench.idle=2000]
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
    private static final int IDLE = Integer.getInteger("bench.idle", 2000);

    @Inject Vertx vertx;

    private WebSocketClient client;
    private int port;

    @Test
    void measureHandshakes() throws Exception {
        port = base.getPort();
        client =
                vertx.createWebSocketClient(
                        new WebSocketClientOptions()
                                .setDefaultHost("localhost")
                                .setDefaultPort(port));
        int keysNeeded = Math.max(BUILDERS, IDLE);
        List<SshPrivateKey> keys = GeneratedKeys.ed25519(keysNeeded);
        for (int i = 0; i < keysNeeded; i++) {
            registry.register(
                    "bench-" + i, keys.get(i).publicKey().openSshLine(), List.of(), 1, true);
        }
        List<SshPrivateKey> loadKeys = keys.subList(0, BUILDERS);

        run("warm-up", 5, loadKeys, true);
        Result bare = run("upgrade + close", SECONDS, loadKeys, false);
        Result full = run("full handshake", SECONDS, loadKeys, true);
        double heapPerConnection = idleHeapPerConnection(keys.subList(0, IDLE));

        assertThat(full.count).isPositive();
        writeReport(bare, full, heapPerConnection);
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
        connection(keys.get(next % keys.size()), authenticate, true)
                .whenComplete(
                        (ws, failure) -> {
                            if (failure == null) {
                                latencies.add(System.nanoTime() - start);
                            } else {
                                errors.incrementAndGet();
                            }
                            loop(keys, next + 1, end, authenticate, latencies, errors, done);
                        });
    }

    /** One connection: upgrade, and if asked the whole handshake; closed at the end if asked. */
    private CompletableFuture<WebSocket> connection(
            SshPrivateKey key, boolean authenticate, boolean closeWhenDone) {
        CompletableFuture<WebSocket> result = new CompletableFuture<>();
        client.connect(BuilderProtocol.PATH)
                .onFailure(result::completeExceptionally)
                .onSuccess(
                        ws -> {
                            if (!authenticate) {
                                ws.close().onComplete(ignored -> result.complete(ws));
                                return;
                            }
                            ws.closeHandler(
                                    ignored ->
                                            result.completeExceptionally(
                                                    new IllegalStateException(
                                                            "closed " + ws.closeStatusCode())));
                            ws.textMessageHandler(
                                    text -> {
                                        try {
                                            ServerMessage message =
                                                    MessageCodec.decodeServerMessage(text);
                                            if (message instanceof ChallengeRequest challenge) {
                                                byte[] signed =
                                                        AuthChallenge.signedBytes(
                                                                challenge.connectionId(),
                                                                challenge.challenge());
                                                ws.writeTextMessage(
                                                        MessageCodec.encode(
                                                                new ChallengeResponse(
                                                                        challenge.challenge(),
                                                                        key.sign(
                                                                                        challenge
                                                                                                .namespace(),
                                                                                        signed)
                                                                                .armored())));
                                            } else if (message instanceof Authenticated) {
                                                result.complete(ws);
                                                if (closeWhenDone) {
                                                    ws.closeHandler(null);
                                                    ws.close();
                                                }
                                            }
                                        } catch (Exception e) {
                                            result.completeExceptionally(e);
                                        }
                                    });
                            ws.writeTextMessage(
                                    MessageCodec.encode(
                                            new Hello(
                                                    BuilderProtocol.VERSION,
                                                    key.publicKey().fingerprint(),
                                                    "bench")));
                        });
        return result;
    }

    private double idleHeapPerConnection(List<SshPrivateKey> keys) throws Exception {
        // A client of its own, so that nothing of the load phases is left in its pool.
        client.close();
        client =
                vertx.createWebSocketClient(
                        new WebSocketClientOptions()
                                .setDefaultHost("localhost")
                                .setDefaultPort(port)
                                .setMaxConnections(keys.size() + 100));
        long before = usedHeapAfterGc();
        List<WebSocket> open = Collections.synchronizedList(new ArrayList<>());
        int failed = 0;
        for (int from = 0; from < keys.size(); from += CONCURRENCY) {
            List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(keys.size(), from + CONCURRENCY); i++) {
                batch.add(connection(keys.get(i), true, false));
            }
            for (CompletableFuture<WebSocket> f : batch) {
                try {
                    open.add(f.get(30, TimeUnit.SECONDS));
                } catch (Exception e) {
                    failed++;
                }
            }
        }
        long after = usedHeapAfterGc();
        double perConnection = (after - before) / (double) open.size();
        System.out.printf(
                "BENCHMARK idle: %d authenticated connections (%d failed), heap +%.1f MiB, %.1f KiB each (server and client)%n",
                open.size(), failed, (after - before) / 1048576.0, perConnection / 1024);
        for (WebSocket ws : open) {
            ws.closeHandler(null);
            ws.close();
        }
        idleOpened = open.size();
        idleFailed = failed;
        return perConnection;
    }

    private int idleOpened;
    private int idleFailed;

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private void writeReport(Result bare, Result full, double heapPerConnection) throws Exception {
        String report =
                "# Gateway performance\n\n"
                        + "Measured "
                        + LocalDate.now()
                        + " on the development machine (2 cores, 24 GiB RAM, JDK "
                        + System.getProperty("java.version")
                        + "), gateway and load generator in ONE JVM (the test JVM, flags `"
                        + String.join(
                                " ",
                                ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                                        .filter(a -> a.startsWith("-X"))
                                        .toList())
                        + "`), PostgreSQL and Kafka"
                        + " of the local stack running beside it. Numbers on this machine vary ±2x between"
                        + " runs; compare the ratio to the bare upgrade rate of the same run.\n\n"
                        + "Command:\n\n```sh\n./mvnw -B -ntp -pl gateway-service -am verify"
                        + " -Dgateway.excludedGroups= -Dgroups=benchmark -Dtest=HandshakeBenchmark"
                        + " -Dsurefire.failIfNoSpecifiedTests=false\n```\n\n"
                        + "Settings: "
                        + CONCURRENCY
                        + " concurrent clients, "
                        + BUILDERS
                        + " registered ed25519 builders rotated per client, "
                        + SECONDS
                        + " s per phase after a 5 s warm-up; load average of the machine when the run"
                        + " ended: "
                        + String.format(
                                "%.1f",
                                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                        + " (other builds share the cores); the test profile's logging (two INFO lines per"
                        + " connection, as in production) and limits (auth timeout 3 s, 32 pending).\n\n"
                        + "| phase | count | per second | p50 ms | p99 ms | errors |\n"
                        + "|---|---|---|---|---|---|\n"
                        + row(bare)
                        + row(full)
                        + "\nFull handshake = WebSocket upgrade, Hello, ChallengeRequest, client signs"
                        + " (ed25519, protocol library), ChallengeResponse, registry lookup (cached),"
                        + " SSHSIG verify, Authenticated, Connected record to Kafka, close, Disconnected"
                        + " record. Ratio full/bare: "
                        + String.format("%.2f", full.perSecond() / bare.perSecond())
                        + ".\n\nIdle authenticated connections: "
                        + idleOpened
                        + " of "
                        + IDLE
                        + " opened and held at once ("
                        + idleFailed
                        + " handshakes failed or timed out); heap growth after GC "
                        + String.format("%.1f", heapPerConnection / 1024)
                        + " KiB per connection, server AND client side together (they share the JVM),"
                        + " so the server's own share is lower. Extrapolated to 10,000 connections: "
                        + String.format("%.0f", heapPerConnection * 10_000 / 1048576)
                        + " MiB (upper bound).\n";
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
