package dev.crateforge.scheduler.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.crateforge.protocol.http.Problem;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPublicKey;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server that answers as the gateway's admin API does ({@code /api/v1/builders}: list,
 * read, register, enable, disable, delete, with the gateway's status codes and problem details,
 * keys parsed by the same {@code protocol} code) and serves a readiness report, for the console's
 * tests in this module, which cannot start a gateway. A round trip against the real gateway is not
 * tested yet (see docs/architecture.md, the console's builders). It remembers the operator named by
 * each token it was sent, so that tests can check the console forwarded the operator's own token.
 */
public class GatewayStandIn implements QuarkusTestResourceLifecycleManager {

    private static final Pattern ONE =
            Pattern.compile("/api/v1/builders/([0-9a-f-]{36})(/enable|/disable)?");
    private static final ObjectMapper JSON =
            JsonMapper.builder()
                    .findAndAddModules()
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .build();

    private static volatile GatewayStandIn current;

    private final Map<UUID, Map<String, Object>> builders = new ConcurrentHashMap<>();
    private final List<String> callers = new ArrayList<>();
    private HttpServer server;
    private int port;

    /** The stand-in the running test app talks to. */
    public static GatewayStandIn current() {
        return current;
    }

    @Override
    public Map<String, String> start() {
        port = freePort();
        listen();
        current = this;
        return Map.of(
                "crateforge.console.gateway-url", "http://127.0.0.1:" + port,
                // Nothing listens there: the health page shows a service that does not answer.
                "crateforge.console.artifact-url", "http://127.0.0.1:" + freePort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Stops answering (connections are refused) until {@link #resume()}. */
    public synchronized void goDown() {
        server.stop(0);
    }

    public synchronized void resume() {
        listen();
    }

    /** Whether a builder with this name is registered. */
    public boolean has(String name) {
        return builders.values().stream().anyMatch(b -> name.equals(b.get("name")));
    }

    public int size() {
        return builders.size();
    }

    /** The operators (upn of the bearer token) of the calls so far, in order. */
    public synchronized List<String> callers() {
        return List.copyOf(callers);
    }

    private void listen() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/v1/builders", this::builders);
        server.createContext(
                "/q/health/ready",
                exchange ->
                        send(
                                exchange,
                                200,
                                "application/json",
                                "{\"status\":\"UP\",\"checks\":[{\"name\":\"Database connections"
                                        + " health check\",\"status\":\"UP\"},{\"name\":\"Kafka"
                                        + " connection health check\",\"status\":\"UP\"}]}"));
        server.start();
    }

    private void builders(HttpExchange exchange) throws IOException {
        String caller = caller(exchange.getRequestHeaders().getFirst("Authorization"));
        if (caller == null) {
            problem(
                    exchange,
                    401,
                    "unauthorized",
                    "an operator bearer token with the role admin is required");
            return;
        }
        synchronized (this) {
            callers.add(caller);
        }
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/api/v1/builders")) {
            if (method.equals("GET")) {
                List<Map<String, Object>> all = new ArrayList<>(builders.values());
                all.sort((a, b) -> ((String) a.get("name")).compareTo((String) b.get("name")));
                send(exchange, 200, "application/json", JSON.writeValueAsString(all));
            } else {
                register(exchange);
            }
            return;
        }
        Matcher one = ONE.matcher(path);
        if (!one.matches()) {
            problem(exchange, 404, "http-404", "no such resource");
            return;
        }
        UUID id = UUID.fromString(one.group(1));
        Map<String, Object> builder = builders.get(id);
        if (builder == null) {
            problem(exchange, 404, "builder-not-found", "no builder with id " + id);
            return;
        }
        if (one.group(2) != null) {
            builder.put("enabled", one.group(2).equals("/enable"));
        } else if (method.equals("DELETE")) {
            builders.remove(id);
            send(exchange, 204, null, "");
            return;
        }
        send(exchange, 200, "application/json", JSON.writeValueAsString(builder));
    }

    private void register(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        String name = body.path("name").asText("");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            problem(
                    exchange,
                    400,
                    "invalid-builder",
                    "name: must be 1 to 128 characters of letters, digits, '.', '_' or '-',"
                            + " starting with a letter or digit");
            return;
        }
        SshPublicKey key;
        try {
            key =
                    SshPublicKey.parse(
                            body.path("publicKey").isTextual()
                                    ? body.get("publicKey").asText()
                                    : null);
        } catch (SshFormatException e) {
            problem(exchange, 400, "invalid-builder", "publicKey: " + e.getMessage());
            return;
        }
        String fingerprint = key.fingerprint();
        if (builders.values().stream().anyMatch(b -> fingerprint.equals(b.get("fingerprint")))) {
            problem(
                    exchange,
                    409,
                    "duplicate-key",
                    "a builder with key fingerprint " + fingerprint + " is already registered");
            return;
        }
        List<String> targets = new ArrayList<>();
        body.path("allowedTargets").forEach(t -> targets.add(t.asText()));
        UUID id = UUID.randomUUID();
        Map<String, Object> builder = new LinkedHashMap<>();
        builder.put("id", id);
        builder.put("name", name);
        builder.put("fingerprint", fingerprint);
        builder.put("keyType", key.type().wireName());
        builder.put("publicKey", key.openSshLine());
        builder.put(
                "enabled", !body.path("enabled").isBoolean() || body.get("enabled").asBoolean());
        builder.put("allowedTargets", targets);
        builder.put("maxConcurrentJobs", body.path("maxConcurrentJobs").asInt(1));
        builder.put("createdAt", Instant.now());
        builder.put("lastSeenAt", null);
        builder.put("owner", body.path("owner").isTextual() ? body.get("owner").asText() : null);
        builders.put(id, builder);
        send(exchange, 201, "application/json", JSON.writeValueAsString(builder));
    }

    /** The upn of a bearer token (its signature is the console's to check, not this stand-in's). */
    private static String caller(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        String[] parts = authorization.substring(7).split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1])).path("upn").asText(null);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static void problem(HttpExchange exchange, int status, String reason, String detail)
            throws IOException {
        send(
                exchange,
                status,
                Problem.MEDIA_TYPE,
                JSON.writeValueAsString(Problem.of(status, reason, "refused", detail)));
    }

    private static void send(HttpExchange exchange, int status, String type, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (type != null) {
            exchange.getResponseHeaders().set("Content-Type", type);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
