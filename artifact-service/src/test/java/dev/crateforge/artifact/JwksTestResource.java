package dev.crateforge.artifact;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Stands in for the scheduler's {@code /.well-known/jwks.json}: a tiny HTTP server that serves
 * whatever the file named by {@code test.jwks.file} holds, so that a test can rotate keys by
 * rewriting it. Starts with the scheduler test key only.
 */
public class JwksTestResource implements QuarkusTestResourceLifecycleManager {

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            Path file = Files.createTempFile("jwks", ".json");
            Files.writeString(file, TestTokens.jwks(TestTokens.SCHEDULER_KID));
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext(
                    "/.well-known/jwks.json",
                    exchange -> {
                        byte[] body = Files.readAllBytes(file);
                        exchange.getResponseHeaders().add("Content-Type", "application/json");
                        exchange.sendResponseHeaders(200, body.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(body);
                        }
                    });
            server.start();
            return Map.of(
                    "crateforge.artifact.scheduler-url",
                    "http://127.0.0.1:" + server.getAddress().getPort(),
                    "test.jwks.file",
                    file.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the JWKS server", e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
