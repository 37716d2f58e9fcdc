package dev.crateforge.builder.job;

import dev.crateforge.protocol.job.ArtifactDigest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * PUTs an artifact to the artifact service with the job token, streamed from its file (never held
 * in memory), with the exact {@code Content-Length} and the {@code X-Checksum-Sha256} the service
 * checks. A cut-off upload leaves nothing behind on the service, so a network error is retried a
 * few times; a 403 means the attempt is no longer this builder's, and the job is abandoned.
 */
public final class ArtifactUploader {

    private static final int ATTEMPTS = 3;

    private final HttpClient http;

    public ArtifactUploader(HttpClient http) {
        this.http = http;
    }

    /**
     * Uploads {@code file}.
     *
     * @param progress called with the bytes handed to the network so far
     * @throws JobAbandoned on 403 (the token is for an attempt that is no longer current)
     * @throws JobFailure on any other refusal, naming the status and the service's detail
     */
    public void upload(
            URI uploadUrl,
            String jobToken,
            Path file,
            ArtifactDigest digest,
            String contentType,
            Duration timeout,
            LongConsumer progress)
            throws JobFailure, JobAbandoned, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            HttpResponse<String> response;
            try {
                HttpRequest request =
                        HttpRequest.newBuilder(uploadUrl)
                                .timeout(timeout)
                                .header("Authorization", "Bearer " + jobToken)
                                .header("X-Checksum-Sha256", digest.sha256())
                                .header("Content-Type", contentType)
                                .PUT(
                                        HttpRequest.BodyPublishers.fromPublisher(
                                                counting(
                                                        HttpRequest.BodyPublishers.ofFile(file),
                                                        progress),
                                                digest.size()))
                                .build();
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (FileNotFoundException e) {
                throw new JobFailure("artifact file is missing", e);
            } catch (IOException e) {
                last = e;
                Thread.sleep(1000L * attempt);
                continue;
            }
            int status = response.statusCode();
            if (status == 200 || status == 201) {
                return;
            }
            if (status == 403) {
                throw new JobAbandoned("upload refused with 403: the attempt is no longer current");
            }
            String detail = detail(response.body());
            throw new JobFailure(
                    "artifact upload refused with HTTP "
                            + status
                            + (detail.isEmpty() ? "" : ": ")
                            + detail);
        }
        throw new JobFailure(
                "artifact upload failed after "
                        + ATTEMPTS
                        + " attempts: "
                        + (last == null ? "unknown error" : last.getMessage()),
                last);
    }

    /** The body of a problem+json answer, shortened; it never holds the token. */
    private static String detail(String body) {
        if (body == null) {
            return "";
        }
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 500 ? oneLine.substring(0, 500) + "…" : oneLine;
    }

    /** Passes the file's buffers through, counting them for the progress callback. */
    private static Flow.Publisher<ByteBuffer> counting(
            HttpRequest.BodyPublisher body, LongConsumer progress) {
        return subscriber ->
                body.subscribe(
                        new Flow.Subscriber<>() {
                            private long sent;

                            @Override
                            public void onSubscribe(Flow.Subscription subscription) {
                                subscriber.onSubscribe(subscription);
                            }

                            @Override
                            public void onNext(ByteBuffer item) {
                                sent += item.remaining();
                                subscriber.onNext(item);
                                progress.accept(sent);
                            }

                            @Override
                            public void onError(Throwable throwable) {
                                subscriber.onError(throwable);
                            }

                            @Override
                            public void onComplete() {
                                subscriber.onComplete();
                            }
                        });
    }
}
