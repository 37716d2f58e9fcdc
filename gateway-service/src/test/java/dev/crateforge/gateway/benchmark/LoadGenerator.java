package dev.crateforge.gateway.benchmark;

import dev.crateforge.protocol.ssh.SshPrivateKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The builders of {@link HandshakeBenchmark}, in a JVM of their own so that the benchmark's JVM
 * holds the gateway alone: its CPU time and heap are then the gateway's. Also, 10,000 connections
 * are 20,000 sockets on one machine, more than one process may open here.
 *
 * <p>Arguments: gateway port, a file of OpenSSH private keys separated by blank lines, handshakes
 * at once, seconds per phase, how many keys the load phases rotate through, and seconds of warm-up.
 * Talks to the benchmark over standard streams: prints {@code BEGIN <phase>} and {@code END <phase>
 * <count> <errors> <seconds> <p50 ms> <p99 ms>} around each load phase, then {@code PAUSE} and
 * waits for a line (the benchmark weighs the heap), then authenticates one idle connection per key,
 * prints {@code READY <opened> <failed>} and holds them until its standard input closes, so that it
 * never outlives the benchmark.
 */
public final class LoadGenerator {

    private final WebSocketClient client;
    private final int concurrency;

    private LoadGenerator(WebSocketClient client, int concurrency) {
        this.client = client;
        this.concurrency = concurrency;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        List<SshPrivateKey> keys = new ArrayList<>();
        for (String block : Files.readString(Path.of(args[1])).split("\n\n")) {
            if (!block.isBlank()) {
                keys.add(SshPrivateKey.parse(block));
            }
        }
        int concurrency = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        List<SshPrivateKey> loadKeys = keys.subList(0, Integer.parseInt(args[4]));
        int warmupSeconds = Integer.parseInt(args[5]);
        Vertx vertx = Vertx.vertx();
        WebSocketClient client =
                vertx.createWebSocketClient(
                        new WebSocketClientOptions()
                                .setDefaultHost("localhost")
                                .setDefaultPort(port)
                                .setMaxConnections(keys.size() + 100));
        LoadGenerator generator = new LoadGenerator(client, concurrency);

        generator.phase("warm-up", warmupSeconds, loadKeys, true);
        generator.phase("bare", seconds, loadKeys, false);
        generator.phase("full", seconds, loadKeys, true);

        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("PAUSE");
        System.out.flush();
        in.readLine();
        generator.holdIdle(keys);
        while (in.readLine() != null) {
            // Held open until the benchmark closes the pipe (or dies).
        }
        System.exit(0);
    }

    /** Runs handshakes (or bare upgrades) back to back from {@code concurrency} loops. */
    private void phase(String name, int seconds, List<SshPrivateKey> keys, boolean authenticate)
            throws InterruptedException {
        System.out.println("BEGIN " + name);
        System.out.flush();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int worker = 0; worker < concurrency; worker++) {
            // Each loop owns its keys, so no two concurrent handshakes are the same builder.
            List<SshPrivateKey> own = new ArrayList<>();
            for (int i = worker; i < keys.size(); i += concurrency) {
                own.add(keys.get(i));
            }
            loop(own, 0, end, authenticate, latencies, errors, done);
        }
        if (!done.await(seconds + 60L, TimeUnit.SECONDS)) {
            throw new IllegalStateException("phase " + name + " did not finish");
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf(
                "END %s %d %d %.3f %.2f %.2f%n",
                name,
                sorted.size(),
                errors.get(),
                elapsed,
                percentileMillis(sorted, 0.50),
                percentileMillis(sorted, 0.99));
        System.out.flush();
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

    private void holdIdle(List<SshPrivateKey> keys) {
        List<WebSocket> open = new ArrayList<>(keys.size());
        int failed = 0;
        for (int from = 0; from < keys.size(); from += concurrency) {
            List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(keys.size(), from + concurrency); i++) {
                batch.add(HandshakeClient.authenticate(client, keys.get(i), false));
            }
            for (CompletableFuture<WebSocket> handshake : batch) {
                try {
                    open.add(handshake.get(30, TimeUnit.SECONDS));
                } catch (Exception e) {
                    failed++;
                }
            }
        }
        System.out.println("READY " + open.size() + " " + failed);
        System.out.flush();
    }

    private static double percentileMillis(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1e6;
    }
}
