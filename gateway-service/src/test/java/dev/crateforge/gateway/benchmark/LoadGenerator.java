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
import java.util.Locale;
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
 * at once, seconds per measured phase, how many keys the load phases rotate through, seconds of
 * warm-up, and how many rounds the measured phases are split into. The two measured phases, {@code
 * echo} (the ceiling: upgrade, one echo, close) and {@code full} (the handshake), alternate round
 * by round, so that a slower minute of the shared machine falls on both of them alike.
 *
 * <p>Talks to the benchmark over standard streams: prints {@code BEGIN <phase>} and {@code STOP
 * <phase>} around each stretch of load (the benchmark reads its CPU time there), {@code END <phase>
 * <count> <errors> <seconds> <p50 ms> <p99 ms>} once a measured phase's rounds are all done, then
 * {@code PAUSE} and takes commands, one a line, while the benchmark weighs the heap in between:
 * {@code echo} opens one idle echo connection per key, {@code builders} authenticates one idle
 * connection per key (each prints {@code READY <opened> <failed>}), {@code close} closes what is
 * held and prints {@code CLOSED <count>}. It exits when its standard input closes, so that it never
 * outlives the benchmark.
 */
public final class LoadGenerator {

    /** What one stretch of load does per connection. */
    enum Kind {
        /** Upgrade, one text frame echoed by {@link EchoEndpoint}, close. */
        ECHO,
        /** The full handshake of {@link HandshakeClient#authenticate}, then close. */
        FULL
    }

    /** The latencies, errors and time of one measured phase, summed over its rounds. */
    private static final class Tally {
        final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger errors = new AtomicInteger();
        double seconds;
    }

    /** What the echo phase sends: a frame the size of a {@code hello}. */
    private static final String ECHO_TEXT =
            "{\"type\":\"hello\",\"protocolVersion\":1,\"fingerprint\":\"SHA256:"
                    + "x".repeat(43)
                    + "\",\"agent\":\"bench\"}";

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
        int rounds = Integer.parseInt(args[6]);
        Vertx vertx = Vertx.vertx();
        WebSocketClient client =
                vertx.createWebSocketClient(
                        new WebSocketClientOptions()
                                .setDefaultHost("localhost")
                                .setDefaultPort(port)
                                .setMaxConnections(keys.size() + 100));
        LoadGenerator generator = new LoadGenerator(client, concurrency);

        generator.run("warm-up", warmupSeconds, loadKeys, Kind.FULL, new Tally());
        // The echo endpoint's own code is small, but it gets its share of C2's time too.
        generator.run(
                "warm-up-echo", Math.min(10, warmupSeconds), loadKeys, Kind.ECHO, new Tally());
        Tally echo = new Tally();
        Tally full = new Tally();
        double perRound = (double) seconds / rounds;
        for (int round = 0; round < rounds; round++) {
            generator.run("echo", perRound, loadKeys, Kind.ECHO, echo);
            generator.run("full", perRound, loadKeys, Kind.FULL, full);
        }
        report("echo", echo);
        report("full", full);

        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("PAUSE");
        System.out.flush();
        List<WebSocket> held = List.of();
        String command;
        while ((command = in.readLine()) != null) {
            switch (command) {
                case "echo" -> held = generator.holdIdle(keys.size(), null);
                case "builders" -> held = generator.holdIdle(keys.size(), keys);
                case "close" -> generator.closeAll(held);
                default -> {
                    // Held open until the benchmark closes the pipe (or dies).
                }
            }
        }
        System.exit(0);
    }

    /**
     * Runs {@code kind} back to back from {@code concurrency} loops for {@code seconds}, adding to
     * {@code tally}.
     */
    private void run(String name, double seconds, List<SshPrivateKey> keys, Kind kind, Tally tally)
            throws InterruptedException {
        System.out.println("BEGIN " + name);
        System.out.flush();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int worker = 0; worker < concurrency; worker++) {
            // Each loop owns its keys, so no two concurrent handshakes are the same builder.
            List<SshPrivateKey> own = new ArrayList<>();
            for (int i = worker; i < keys.size(); i += concurrency) {
                own.add(keys.get(i));
            }
            loop(own, 0, end, kind, tally, done);
        }
        if (!done.await((long) seconds + 60L, TimeUnit.SECONDS)) {
            throw new IllegalStateException("phase " + name + " did not finish");
        }
        tally.seconds += (System.nanoTime() - start) / 1e9;
        System.out.println("STOP " + name);
        System.out.flush();
    }

    private static void report(String name, Tally tally) {
        List<Long> sorted = new ArrayList<>(tally.latencies);
        Collections.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "END %s %d %d %.3f %.2f %.2f%n",
                name,
                sorted.size(),
                tally.errors.get(),
                tally.seconds,
                percentileMillis(sorted, 0.50),
                percentileMillis(sorted, 0.99));
        System.out.flush();
    }

    private void loop(
            List<SshPrivateKey> keys,
            int next,
            long end,
            Kind kind,
            Tally tally,
            CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        long start = System.nanoTime();
        CompletableFuture<WebSocket> attempt =
                kind == Kind.FULL
                        ? HandshakeClient.authenticate(client, keys.get(next % keys.size()), true)
                        : HandshakeClient.echo(client, ECHO_TEXT, true);
        attempt.whenComplete(
                (ws, failure) -> {
                    if (failure == null) {
                        tally.latencies.add(System.nanoTime() - start);
                    } else {
                        tally.errors.incrementAndGet();
                    }
                    loop(keys, next + 1, end, kind, tally, done);
                });
    }

    /**
     * Opens {@code count} connections and keeps them: authenticated builders, one per key, or when
     * {@code keys} is null, echo connections that sent their one frame.
     */
    private List<WebSocket> holdIdle(int count, List<SshPrivateKey> keys) {
        List<WebSocket> open = new ArrayList<>(count);
        int failed = 0;
        for (int from = 0; from < count; from += concurrency) {
            List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + concurrency); i++) {
                batch.add(
                        keys == null
                                ? HandshakeClient.echo(client, ECHO_TEXT, false)
                                : HandshakeClient.authenticate(client, keys.get(i), false));
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
        return open;
    }

    private void closeAll(List<WebSocket> held) {
        List<CompletableFuture<Void>> closing = new ArrayList<>(held.size());
        for (WebSocket ws : held) {
            ws.closeHandler(null);
            closing.add(ws.close().toCompletionStage().toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("not every idle connection closed cleanly: " + e);
        }
        System.out.println("CLOSED " + held.size());
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
