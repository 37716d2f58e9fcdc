package dev.crateforge.system;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The operator's and crate author's view of a running system: register builders, submit jobs, read
 * job state and logs, download artifacts and provenance, all over the public REST APIs.
 */
public final class CrateForgeClient {

    /** An HTTP answer whose status was not the expected one. */
    public static final class UnexpectedStatus extends RuntimeException {
        private final int status;

        UnexpectedStatus(String what, int status, String body) {
            super(what + " answered " + status + ": " + body);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * A submitted job: what to build and from which source.
     *
     * @param reproduce how many builders must build the same bytes; null: the scheduler's default
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JobSpec(
            String crate,
            String version,
            String sourceUrl,
            String sourceSha256,
            String target,
            String kind,
            Integer reproduce) {

        public JobSpec(
                String crate,
                String version,
                String sourceUrl,
                String sourceSha256,
                String target,
                String kind) {
            this(crate, version, sourceUrl, sourceSha256, target, kind, null);
        }

        /** The same job, built by {@code builds} builders that must agree. */
        public JobSpec reproduced(int builds) {
            return new JobSpec(crate, version, sourceUrl, sourceSha256, target, kind, builds);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final CrateForgeSystem system;
    private final String operatorToken;

    CrateForgeClient(CrateForgeSystem system, String operatorToken) {
        this.system = system;
        this.operatorToken = operatorToken;
    }

    /** Registers a builder from its OpenSSH public key line; returns its id. */
    public UUID registerBuilder(
            String name, String publicKeyLine, List<String> targets, int maxJobs) {
        ObjectNode body = JSON.createObjectNode();
        body.put("name", name);
        body.put("publicKey", publicKeyLine);
        body.putPOJO("allowedTargets", targets);
        body.put("maxConcurrentJobs", maxJobs);
        JsonNode builder =
                send(
                        post(system.gateway().baseUri(), "/api/v1/builders", body),
                        201,
                        "register builder");
        return UUID.fromString(builder.path("id").asText());
    }

    /** The gateway's builder registry as its admin API lists it. */
    public List<JsonNode> builders() {
        List<JsonNode> builders = new ArrayList<>();
        send(get(system.gateway().baseUri(), "/api/v1/builders"), 200, "list builders")
                .forEach(builders::add);
        return builders;
    }

    /** The scheduler's audit of operator actions, newest first ({@code limit} of them). */
    public List<JsonNode> audit(int limit) {
        List<JsonNode> entries = new ArrayList<>();
        send(get(system.scheduler().baseUri(), "/api/v1/audit?limit=" + limit), 200, "audit")
                .forEach(entries::add);
        return entries;
    }

    /**
     * Publishes the packed {@code crate} on {@code sources} and submits a job of it with its
     * SHA-256; returns the job's id.
     */
    public UUID submit(
            SourceServer sources,
            java.nio.file.Path crate,
            String name,
            String version,
            String target,
            String kind) {
        return submit(
                new JobSpec(
                        name,
                        version,
                        sources.publish(crate),
                        SourceServer.sha256(crate),
                        target,
                        kind));
    }

    /** Submits a job; returns its id. */
    public UUID submit(JobSpec job) {
        JsonNode created =
                send(
                        post(system.scheduler().baseUri(), "/api/v1/jobs", JSON.valueToTree(job)),
                        201,
                        "submit job");
        return UUID.fromString(created.path("id").asText());
    }

    public JsonNode job(UUID jobId) {
        return job(system.scheduler(), jobId);
    }

    /** The job as one particular scheduler replica shows it. */
    public JsonNode job(ServiceProcess scheduler, UUID jobId) {
        return send(get(scheduler.baseUri(), "/api/v1/jobs/" + jobId), 200, "get job");
    }

    /** The jobs of a crate, newest first (the first page). */
    public List<JsonNode> jobsOf(String crate) {
        List<JsonNode> jobs = new ArrayList<>();
        send(get(system.scheduler().baseUri(), "/api/v1/jobs?crate=" + crate), 200, "list jobs")
                .path("items")
                .forEach(jobs::add);
        return jobs;
    }

    /** The job's state, for example {@code running} or {@code succeeded}. */
    public String state(UUID jobId) {
        return job(jobId).path("state").asText();
    }

    public JsonNode cancel(UUID jobId) {
        return send(
                post(
                        system.scheduler().baseUri(),
                        "/api/v1/jobs/" + jobId + "/cancel",
                        JSON.createObjectNode()),
                200,
                "cancel job");
    }

    /** Every stored log line of the job, in order, following the pages. */
    public List<JsonNode> logs(UUID jobId) {
        List<JsonNode> lines = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page =
                    send(
                            get(
                                    system.scheduler().baseUri(),
                                    "/api/v1/jobs/" + jobId + "/logs?after=" + after),
                            200,
                            "get logs");
            JsonNode batch = page.path("lines");
            if (batch.isEmpty()) {
                return lines;
            }
            batch.forEach(lines::add);
            long next = page.path("next").asLong();
            if (next <= after) {
                return lines;
            }
            after = next;
        }
    }

    /** A reproduction: its verdict and each build's job, builder and digests. */
    public JsonNode reproduction(UUID group) {
        return send(
                get(system.scheduler().baseUri(), "/api/v1/reproductions/" + group),
                200,
                "get reproduction");
    }

    /** A builder's record in reproductions. */
    public JsonNode reputation(UUID builder) {
        return send(
                get(system.scheduler().baseUri(), "/api/v1/reputation/" + builder),
                200,
                "get reputation");
    }

    /** Any path of the artifact service, whatever its status: for public paths that may 404. */
    public HttpResponse<byte[]> fetchArtifactPath(String path) {
        try {
            return HTTP.send(
                    get(system.artifacts().baseUri(), path),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The artifact of a job, as bytes, with its response headers. */
    public HttpResponse<byte[]> download(UUID jobId, String kind) {
        return download(system.artifacts(), jobId, kind);
    }

    /** The artifact of a job as one particular artifact service replica serves it. */
    public HttpResponse<byte[]> download(ServiceProcess artifacts, UUID jobId, String kind) {
        HttpRequest request =
                get(artifacts.baseUri(), "/api/v1/jobs/" + jobId + "/artifacts/" + kind);
        return expect(request, HttpResponse.BodyHandlers.ofByteArray(), 200, "download artifact");
    }

    /**
     * One provenance file of a job's artifact: {@code statement}, {@code signature} or {@code
     * allowed_signers}.
     */
    /**
     * A provenance file of a job that succeeded, waiting up to {@code timeout} for it: the artifact
     * service learns of the success from a Kafka record, a moment after the scheduler shows it.
     */
    public String awaitProvenanceFile(UUID jobId, String file, Duration timeout) {
        return org.awaitility.Awaitility.await()
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .ignoreException(UnexpectedStatus.class)
                .until(() -> provenanceFile(jobId, file), text -> text != null);
    }

    public String provenanceFile(UUID jobId, String file) {
        HttpRequest request =
                get(system.artifacts().baseUri(), "/api/v1/jobs/" + jobId + "/provenance/" + file);
        return expect(request, HttpResponse.BodyHandlers.ofString(), 200, "provenance " + file)
                .body();
    }

    private HttpRequest post(URI base, String path, JsonNode body) {
        try {
            return authorized(base, path)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest get(URI base, String path) {
        return authorized(base, path).GET().build();
    }

    private HttpRequest.Builder authorized(URI base, String path) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + operatorToken);
    }

    private JsonNode send(HttpRequest request, int expected, String what) {
        String body = expect(request, HttpResponse.BodyHandlers.ofString(), expected, what).body();
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(what + " answered with no JSON: " + body, e);
        }
    }

    private static <T> HttpResponse<T> expect(
            HttpRequest request, HttpResponse.BodyHandler<T> handler, int expected, String what) {
        try {
            HttpResponse<T> response = HTTP.send(request, handler);
            if (response.statusCode() != expected) {
                throw new UnexpectedStatus(
                        what, response.statusCode(), String.valueOf(response.body()));
            }
            return response;
        } catch (IOException e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
