package dev.crateforge.gateway.benchmark;

import dev.crateforge.protocol.ssh.SshPrivateKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The idle builders of the benchmark, in a JVM of their own: authenticates one connection per key
 * and holds them all open. Its own process so that the gateway's heap is measured alone and each
 * side stays within the file-descriptor limit (10,000 connections are 20,000 sockets on one
 * machine).
 *
 * <p>Arguments: gateway port, a file of OpenSSH private keys separated by blank lines, and how many
 * handshakes to run at once. Prints {@code READY <opened> <failed>} when done, and exits when its
 * standard input closes, so that it never outlives the benchmark.
 */
public final class IdleFleet {

    private IdleFleet() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        List<SshPrivateKey> keys = new ArrayList<>();
        for (String block : Files.readString(Path.of(args[1])).split("\n\n")) {
            if (!block.isBlank()) {
                keys.add(SshPrivateKey.parse(block));
            }
        }
        int concurrency = Integer.parseInt(args[2]);
        Vertx vertx = Vertx.vertx();
        WebSocketClient client =
                vertx.createWebSocketClient(
                        new WebSocketClientOptions()
                                .setDefaultHost("localhost")
                                .setDefaultPort(port)
                                .setMaxConnections(keys.size() + 100));
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
        while (System.in.read() >= 0) {
            // Held open until the benchmark closes the pipe (or dies).
        }
        System.exit(0);
    }
}
