package dev.crateforge.scheduler.console;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The builder registry as the console reaches it: the gateway's admin API ({@code
 * /api/v1/builders}), called with the signed-in operator's own token, so that the gateway's
 * authorisation applies and its log names who acted. The scheduler holds no credential of its own
 * for the gateway (docs/architecture.md). Every call has a short timeout; a refusal comes back as a
 * {@link GatewayFailure} carrying the gateway's own problem detail, and an outage as one that says
 * the gateway did not answer.
 */
@ApplicationScoped
public class GatewayRegistry {

    /** A registered builder, as the gateway's admin API shows it (its key line is not kept). */
    public record RegisteredBuilder(
            UUID id,
            String name,
            String fingerprint,
            String keyType,
            boolean enabled,
            List<String> allowedTargets,
            int maxConcurrentJobs,
            Instant createdAt,
            Instant lastSeenAt,
            String owner) {}

    /** The body of a registration, as the gateway takes it. */
    public record Registration(
            String name,
            String publicKey,
            List<String> allowedTargets,
            Integer maxConcurrentJobs,
            Boolean enabled,
            String owner) {}

    private static final String BUILDERS = "/api/v1/builders";

    private final URI base;
    private final Duration timeout;
    private final ObjectMapper json;
    private final HttpClient http;

    @Inject
    public GatewayRegistry(ConsoleConfig config) {
        this(URI.create(config.gatewayUrl().replaceAll("/+$", "")), config.gatewayTimeout());
    }

    GatewayRegistry(URI base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.json =
                JsonMapper.builder()
                        .findAndAddModules()
                        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                        .build();
        this.http =
                HttpClient.newBuilder()
                        .connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
    }

    /** The gateway's address, for the page to name when it does not answer. */
    public URI base() {
        return base;
    }

    public List<RegisteredBuilder> list(String token) {
        HttpResponse<String> response = send(request(BUILDERS, token).GET(), "list the builders");
        try {
            return List.of(json.readValue(response.body(), RegisteredBuilder[].class));
        } catch (IOException e) {
            throw unreadable("list the builders");
        }
    }

    public RegisteredBuilder get(UUID id, String token) {
        return builder(send(request(BUILDERS + "/" + id, token).GET(), "read the builder"));
    }

    public RegisteredBuilder register(Registration registration, String token) {
        String body;
        try {
            body = json.writeValueAsString(registration);
        } catch (IOException e) {
            throw new IllegalStateException("a registration always serialises", e);
        }
        return builder(
                send(
                        request(BUILDERS, token)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)),
                        "register the builder"));
    }

    public RegisteredBuilder setEnabled(UUID id, boolean enabled, String token) {
        String what = enabled ? "enable" : "disable";
        return builder(
                send(
                        request(BUILDERS + "/" + id + "/" + what, token)
                                .POST(HttpRequest.BodyPublishers.noBody()),
                        what + " the builder"));
    }

    public void delete(UUID id, String token) {
        send(request(BUILDERS + "/" + id, token).DELETE(), "delete the builder");
    }

    private HttpRequest.Builder request(String path, String token) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + token);
    }

    private RegisteredBuilder builder(HttpResponse<String> response) {
        try {
            return json.readValue(response.body(), RegisteredBuilder.class);
        } catch (IOException e) {
            throw unreadable("read the builder");
        }
    }

    /** Sends the call; any answer but a 2xx, and no answer, becomes a {@link GatewayFailure}. */
    private HttpResponse<String> send(HttpRequest.Builder request, String what) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw outage(what, "could not be reached at " + base);
        } catch (HttpTimeoutException e) {
            throw outage(
                    what,
                    "did not answer within "
                            + timeout.toMillis()
                            + " ms (whether the change was made is unknown; reload the page to"
                            + " see)");
        } catch (IOException e) {
            throw outage(
                    what,
                    "could not be reached at " + base + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw outage(what, "was not waited for (the request was interrupted)");
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return response;
        }
        String detail = detail(response.body());
        Log.infof("gateway refused to %s: %d %s", what, status, detail);
        throw new GatewayFailure(
                status,
                "The gateway refused to "
                        + what
                        + " ("
                        + status
                        + (detail == null ? ")." : "): " + detail));
    }

    private GatewayFailure outage(String what, String how) {
        Log.warnf("the gateway's admin API %s; could not %s", how, what);
        return new GatewayFailure(
                GatewayFailure.UNREACHABLE,
                "Could not "
                        + what
                        + ": the gateway "
                        + how
                        + ". The rest of the console works without it.");
    }

    private GatewayFailure unreadable(String what) {
        Log.warnf("the gateway's answer to '%s' is not the admin API's JSON", what);
        return new GatewayFailure(
                502, "Could not " + what + ": the gateway's answer was not the expected JSON.");
    }

    /** The problem detail of a refusal, or null when the body is no problem document. */
    private String detail(String body) {
        try {
            JsonNode problem = json.readTree(body);
            JsonNode detail = problem == null ? null : problem.get("detail");
            return detail == null || !detail.isTextual() ? null : detail.asText();
        } catch (IOException e) {
            return null;
        }
    }
}
