package dev.crateforge.scheduler.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crateforge.protocol.job.Naming;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One registry's sparse index over HTTP (Cargo book, "Sparse protocol"): {@code config.json} and
 * one crate's file at {@code <base>/<prefix>/<name>}. Remembers each file's ETag and body, and asks
 * with {@code If-None-Match}, so an unchanged file costs a 304 and no transfer.
 */
final class SparseIndexClient {

    /** What the index answered for a crate. */
    sealed interface Fetched {}

    /** The crate is not in the index (404 or 410). */
    record Missing() implements Fetched {}

    /** The crate's file; {@code notModified} when the server answered 304 to the stored ETag. */
    record Body(String crate, byte[] bytes, boolean notModified) implements Fetched {}

    private record Cached(String etag, byte[] bytes) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final Optional<String> token;
    private final Duration timeout;
    private final HttpClient http;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param token the registry's auth token, sent as {@code Authorization} on every request as
     *     cargo does; with one, redirects are not followed (a redirect must not carry the token to
     *     another host), so the index must answer at its own address
     */
    SparseIndexClient(String base, Optional<String> token, Duration timeout) {
        this.base = base.endsWith("/") ? base : base + "/";
        this.token = token;
        this.timeout = timeout;
        this.http =
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .followRedirects(
                                token.isPresent()
                                        ? HttpClient.Redirect.NEVER
                                        : HttpClient.Redirect.NORMAL)
                        .build();
    }

    /**
     * The crate's file.
     *
     * @throws IllegalArgumentException for a name that is not a crate name
     * @throws IllegalStateException when the index answers anything else or is unreachable
     */
    Fetched crateFile(String crate) {
        if (crate == null || !Naming.isCrateName(crate)) {
            throw new IllegalArgumentException("'" + crate + "' is not a crate name");
        }
        String name = crate.toLowerCase(Locale.ROOT);
        Cached cached = cache.get(name);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(
                                URI.create(base + DownloadUrlTemplate.prefix(name) + "/" + name))
                        .timeout(timeout)
                        .GET();
        if (cached != null) {
            request.header("If-None-Match", cached.etag());
        }
        HttpResponse<InputStream> response = send(request.build());
        try (InputStream in = response.body()) {
            int status = response.statusCode();
            if (status == 304 && cached != null) {
                return new Body(name, cached.bytes(), true);
            }
            if (status == 404 || status == 410) {
                cache.remove(name);
                return new Missing();
            }
            if (status != 200) {
                throw new IllegalStateException(
                        "the sparse index answered " + status + " for " + name);
            }
            byte[] bytes = in.readNBytes((int) IndexReader.MAX_FILE_BYTES + 1);
            if (bytes.length > IndexReader.MAX_FILE_BYTES) {
                throw new IllegalStateException(
                        "the sparse index file of "
                                + name
                                + " is over "
                                + IndexReader.MAX_FILE_BYTES
                                + " bytes");
            }
            response.headers()
                    .firstValue("ETag")
                    .ifPresent(etag -> cache.put(name, new Cached(etag, bytes)));
            return new Body(name, bytes, false);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the sparse index file of " + name, e);
        }
    }

    /** The {@code dl} template of the sparse index's {@code config.json}. */
    DownloadUrlTemplate downloadTemplate() {
        HttpResponse<InputStream> response =
                send(
                        HttpRequest.newBuilder(URI.create(base + "config.json"))
                                .timeout(timeout)
                                .GET()
                                .build());
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "the sparse index answered " + response.statusCode() + " for config.json");
            }
            JsonNode dl = JSON.readTree(in.readNBytes(1024 * 1024)).get("dl");
            if (dl == null || !dl.isTextual() || dl.textValue().isBlank()) {
                throw new IllegalStateException("config.json has no 'dl' template");
            }
            return new DownloadUrlTemplate(dl.textValue());
        } catch (IOException e) {
            throw new IllegalStateException("config.json is unreadable: " + e.getMessage(), e);
        }
    }

    private HttpResponse<InputStream> send(HttpRequest request) {
        if (token.isPresent()) {
            request =
                    HttpRequest.newBuilder(request, (n, v) -> true)
                            .header("Authorization", token.get())
                            .build();
        }
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "the sparse index is unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the sparse index", e);
        }
    }
}
