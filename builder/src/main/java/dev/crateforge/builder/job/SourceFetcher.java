package dev.crateforge.builder.job;

import dev.crateforge.protocol.contract.FailureCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * Downloads a job's {@code .crate} to disk, hashing while it streams, and refuses it unless its
 * SHA-256 is the one the job names. The hash check comes before anything reads the archive: a
 * swapped or truncated source must never reach the extractor, let alone cargo.
 *
 * <p>Whose fault a failed fetch is decides whether the job is retried: a URL that names nothing
 * (404, 410) or bytes with another hash are the submission's fault ({@link
 * FailureCode#SOURCE_MISMATCH}); a network error or any other status (5xx, 429, a proxy's 403) may
 * pass on another builder or later ({@link FailureCode#INFRASTRUCTURE}).
 */
public final class SourceFetcher {

    private final HttpClient http;
    private final long maxBytes;

    public SourceFetcher(HttpClient http, long maxBytes) {
        this.http = http;
        this.maxBytes = maxBytes;
    }

    /**
     * Fetches {@code url} into {@code destination}.
     *
     * @return the size in bytes
     * @throws JobFailure on an HTTP error, a body over the cap, or a hash mismatch (the file is
     *     deleted)
     */
    public long fetch(URI url, String expectedSha256, Path destination, Duration timeout)
            throws JobFailure, InterruptedException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new JobFailure(FailureCode.SOURCE_MISMATCH, "source URL must be http or https");
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new JobFailure(
                    FailureCode.INFRASTRUCTURE,
                    "cannot fetch source: " + JobFailure.describe(e),
                    e);
        }
        MessageDigest digest = Sha256.newDigest();
        long total = 0;
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new JobFailure(
                        statusFault(response.statusCode()),
                        "cannot fetch source: HTTP " + response.statusCode());
            }
            long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > maxBytes) {
                throw tooLarge();
            }
            try (OutputStream out =
                    Files.newOutputStream(
                            destination, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = body.read(buffer)) > 0) {
                    total += n;
                    if (total > maxBytes) {
                        throw tooLarge();
                    }
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            deleteQuietly(destination);
            throw new JobFailure(
                    FailureCode.INFRASTRUCTURE,
                    "cannot fetch source: " + JobFailure.describe(e),
                    e);
        } catch (JobFailure e) {
            deleteQuietly(destination);
            throw e;
        }
        String actual = Sha256.hex(digest.digest());
        if (!actual.equals(expectedSha256)) {
            deleteQuietly(destination);
            throw new JobFailure(
                    FailureCode.SOURCE_MISMATCH,
                    "source SHA-256 mismatch: expected " + expectedSha256 + ", got " + actual);
        }
        return total;
    }

    private JobFailure tooLarge() {
        return new JobFailure(
                FailureCode.DISK_LIMIT,
                "source is larger than the limit of " + maxBytes + " bytes");
    }

    /** A URL that names nothing is the submission's fault; any other status may pass later. */
    static FailureCode statusFault(int status) {
        return status == 404 || status == 410
                ? FailureCode.SOURCE_MISMATCH
                : FailureCode.INFRASTRUCTURE;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the job directory is removed at the end anyway
        }
    }
}
