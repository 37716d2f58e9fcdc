package dev.crateforge.scheduler.console;

import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.intake.RegistryStatus;
import dev.crateforge.scheduler.job.JobHistory;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What the health page shows: the readiness of the three services (the scheduler's own checks
 * in-process, the gateway's and the artifact service's {@code /q/health/ready} over HTTP, asked in
 * parallel with a short timeout), PostgreSQL and Kafka as the scheduler's own checks see them, the
 * outbox backlog, the queue depth and the registry intake's lag. A service that does not answer is
 * a state on the page, never an error of the page.
 */
@ApplicationScoped
public class ServiceHealth {

    /** A state as words; the page gives each a colour too, but never only a colour. */
    public enum State {
        UP("up"),
        DOWN("down"),
        UNREACHABLE("no answer"),
        UNKNOWN("not checked");

        private final String words;

        State(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }

        public String css() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One named check of a service's readiness. */
    public record Check(String name, State state) {}

    /** One service's readiness: its overall state, its checks, and what went wrong when unknown. */
    public record Service(
            String name,
            String url,
            State state,
            List<Check> checks,
            String problem,
            long millis) {}

    /** The outbox: records written but not yet relayed to Kafka. */
    public record Outbox(long unpublished, Instant oldestAt, long oldestAgeSeconds) {}

    /** One followed registry's intake lag. */
    public record Intake(
            String registry,
            boolean enabled,
            boolean paused,
            int lagCommits,
            Instant lastPollAt,
            String lastError) {}

    /** The whole page. */
    public record Report(
            Instant at,
            List<Service> services,
            State postgres,
            State kafka,
            Outbox outbox,
            long queued,
            List<Intake> intake,
            String storeProblem) {}

    private final SmallRyeHealthReporter reporter;
    private final EntityManager em;
    private final RegistryStatus registries;
    private final URI gateway;
    private final URI artifacts;
    private final Duration timeout;
    private final HttpClient http;

    public ServiceHealth(
            SmallRyeHealthReporter reporter,
            EntityManager em,
            RegistryStatus registries,
            ConsoleConfig console,
            SchedulerConfig scheduler) {
        this.reporter = reporter;
        this.em = em;
        this.registries = registries;
        this.gateway = base(console.gatewayUrl());
        this.artifacts = base(console.artifactUrl().orElse(scheduler.artifactBaseUrl()));
        this.timeout = console.healthTimeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    private static URI base(String url) {
        return URI.create(url.replaceAll("/+$", ""));
    }

    public Report report() {
        CompletableFuture<Service> gatewayReady = remote("Gateway", gateway);
        CompletableFuture<Service> artifactReady = remote("Artifact service", artifacts);
        Service scheduler = own();
        State postgres = stateOf(scheduler, "database");
        State kafka = stateOf(scheduler, "kafka");
        Outbox outbox = null;
        long queued = -1;
        List<Intake> intake = List.of();
        String storeProblem = null;
        try {
            Object[] row =
                    QuarkusTransaction.requiringNew()
                            .call(
                                    () ->
                                            (Object[])
                                                    em.createNativeQuery(
                                                                    "select count(*), min(created_at) from outbox")
                                                            .getSingleResult());
            Instant oldest = row[1] == null ? null : JobHistory.instant(row[1]);
            outbox =
                    new Outbox(
                            ((Number) row[0]).longValue(),
                            oldest,
                            oldest == null
                                    ? 0
                                    : Duration.between(oldest, Instant.now()).toSeconds());
            queued =
                    QuarkusTransaction.requiringNew()
                            .call(
                                    () ->
                                            ((Number)
                                                            em.createNativeQuery(
                                                                            "select count(*) from job where state = 'queued'")
                                                                    .getSingleResult())
                                                    .longValue());
            intake =
                    registries.all().stream()
                            .map(
                                    r ->
                                            new Intake(
                                                    r.name(),
                                                    r.enabled(),
                                                    r.paused(),
                                                    r.lagCommits(),
                                                    r.lastPollAt(),
                                                    r.lastError()))
                            .toList();
        } catch (RuntimeException e) {
            Log.warnf("health page: the scheduler's database could not be read: %s", e.toString());
            storeProblem =
                    "The scheduler's database could not be read: " + e.getClass().getSimpleName();
        }
        List<Service> services = new ArrayList<>();
        services.add(scheduler);
        services.add(gatewayReady.join());
        services.add(artifactReady.join());
        return new Report(
                Instant.now(), services, postgres, kafka, outbox, queued, intake, storeProblem);
    }

    /** The scheduler's own readiness, from its health checks in this process. */
    private Service own() {
        long start = System.nanoTime();
        SmallRyeHealth health = reporter.getReadiness();
        return service("Scheduler", "(this service)", health.getPayload(), start);
    }

    /** A service's {@code /q/health/ready}: 200 is up, 503 with checks is down, else no answer. */
    private CompletableFuture<Service> remote(String name, URI base) {
        long start = System.nanoTime();
        URI url = base.resolve("/q/health/ready");
        HttpRequest request =
                HttpRequest.newBuilder(url)
                        .timeout(timeout)
                        .header("Accept", "application/json")
                        .GET()
                        .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(
                        response -> {
                            JsonObject payload = parse(response.body());
                            if (payload == null || !payload.containsKey("status")) {
                                return new Service(
                                        name,
                                        url.toString(),
                                        State.UNREACHABLE,
                                        List.of(),
                                        "answered "
                                                + response.statusCode()
                                                + " without a health report",
                                        elapsed(start));
                            }
                            return service(name, url.toString(), payload, start);
                        })
                .exceptionally(
                        failure -> {
                            Throwable cause =
                                    failure instanceof CompletionException
                                                    && failure.getCause() != null
                                            ? failure.getCause()
                                            : failure;
                            String problem =
                                    cause instanceof HttpTimeoutException
                                            ? "no answer within " + timeout.toMillis() + " ms"
                                            : "could not be reached ("
                                                    + cause.getClass().getSimpleName()
                                                    + ")";
                            Log.infof("health page: %s at %s %s", name, url, problem);
                            return new Service(
                                    name,
                                    url.toString(),
                                    State.UNREACHABLE,
                                    List.of(),
                                    problem,
                                    elapsed(start));
                        });
    }

    private static Service service(String name, String url, JsonObject payload, long start) {
        List<Check> checks = new ArrayList<>();
        if (payload.get("checks") instanceof jakarta.json.JsonArray array) {
            for (JsonValue value : array) {
                if (value instanceof JsonObject check) {
                    checks.add(
                            new Check(
                                    check.getString("name", "?"),
                                    state(check.getString("status", ""))));
                }
            }
        }
        return new Service(
                name, url, state(payload.getString("status", "")), checks, null, elapsed(start));
    }

    private static State state(String status) {
        return "UP".equals(status) ? State.UP : State.DOWN;
    }

    /** The state of the scheduler's first check whose name mentions {@code word}. */
    private static State stateOf(Service service, String word) {
        return service.checks().stream()
                .filter(c -> c.name().toLowerCase(java.util.Locale.ROOT).contains(word))
                .map(Check::state)
                .reduce((a, b) -> a == State.UP ? b : a)
                .orElse(State.UNKNOWN);
    }

    private static JsonObject parse(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }
}
