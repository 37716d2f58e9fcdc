package dev.crateforge.builder.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crateforge.builder.retry.Backoff;
import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.contract.UploadOutcome;
import dev.crateforge.protocol.job.ArtifactDigest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * PUTs an artifact to the artifact service with the job token, streamed from its file (never held
 * in memory), with the exact {@code Content-Length} and the {@code X-Checksum-Sha256} the service
 * checks, and reacts to the answer as {@link UploadOutcome} says: the problem+json {@code type} is
 * read, never the status alone, because two 403s can ask for different things.
 *
 * <p>A cut-off upload leaves nothing behind on the service, so an upload can always be repeated:
 * retriable answers, network errors and unlisted answers are tried again with exponential backoff
 * (1 s doubling to 60 s, ±50% jitter) for the retry budget, long enough to ride out a restart of
 * the artifact service, its database or its object store, but never past the attempt's deadline.
 */
public final class ArtifactUploader {

    /** Default of {@code --upload-retry-seconds}: what docs/protocol.md §4 asks as a minimum. */
    public static final Duration DEFAULT_RETRY_BUDGET = Duration.ofMinutes(10);

    private static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    private static final Duration LONGEST_DELAY = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Duration retryBudget;
    private final Duration firstDelay;
    private final Consumer<String> alarm;

    /**
     * @param retryBudget how long retriable answers are retried before the attempt fails
     * @param alarm where a refusal that only a person can fix (a bug of the builder or its
     *     configuration) is told loudly
     */
    public ArtifactUploader(HttpClient http, Duration retryBudget, Consumer<String> alarm) {
        this(http, retryBudget, FIRST_DELAY, alarm);
    }

    /** With another first retry delay, for tests that must not wait seconds. */
    ArtifactUploader(
            HttpClient http, Duration retryBudget, Duration firstDelay, Consumer<String> alarm) {
        this.http = http;
        this.retryBudget = retryBudget;
        this.firstDelay = firstDelay;
        this.alarm = alarm;
    }

    /**
     * Uploads {@code file}.
     *
     * @param deadline the end of the attempt's time budget; retries never go past it
     * @param progress called with the bytes handed to the network so far
     * @param notes where each retry is told (the job's log), so that a long wait is visible
     * @throws JobAbandoned when the answer says the attempt is no longer this builder's
     * @throws JobFailure when the answer ends the attempt, or retrying ran out of time
     */
    public void upload(
            URI uploadUrl,
            String jobToken,
            Path file,
            ArtifactDigest digest,
            String contentType,
            Instant deadline,
            LongConsumer progress,
            Consumer<String> notes)
            throws JobFailure, JobAbandoned, InterruptedException {
        Instant started = Instant.now();
        Instant giveUpAt = earlier(started.plus(retryBudget), deadline);
        Backoff backoff =
                new Backoff(
                        firstDelay,
                        LONGEST_DELAY.compareTo(firstDelay) < 0 ? firstDelay : LONGEST_DELAY,
                        ThreadLocalRandom.current());
        int tries = 0;
        while (true) {
            tries++;
            Answer answer =
                    send(uploadUrl, jobToken, file, digest, contentType, deadline, progress);
            UploadOutcome outcome = answer.outcome();
            switch (outcome.action()) {
                case DONE -> {
                    return;
                }
                case ABANDON_JOB ->
                        throw new JobAbandoned(
                                "upload refused ("
                                        + answer.describe()
                                        + "): the attempt is no longer this builder's");
                case REPORT_CRATE_FAILURE ->
                        throw new JobFailure(
                                crateFault(outcome), "upload refused: " + answer.describe());
                case REPORT_INFRASTRUCTURE_FAILURE ->
                        throw new JobFailure(
                                FailureCode.INFRASTRUCTURE, "upload refused: " + answer.describe());
                case STOP -> {
                    String reason =
                            "upload refused ("
                                    + answer.describe()
                                    + "): a fault of this builder or its configuration, not of"
                                    + " the crate";
                    alarm.accept(reason);
                    throw new JobFailure(FailureCode.INFRASTRUCTURE, reason);
                }
                // an upload cannot reconnect or ask for work: the same upload again is
                // all that makes sense, as for an unlisted answer
                case RETRY_WITH_BACKOFF, ASK_AGAIN, RECONNECT_NOW, RECONNECT_WITH_BACKOFF -> {
                    Duration delay = backoff.next();
                    if (Instant.now().plus(delay).isAfter(giveUpAt)) {
                        throw new JobFailure(
                                FailureCode.INFRASTRUCTURE,
                                "upload gave up after "
                                        + tries
                                        + (tries == 1 ? " try" : " tries")
                                        + " in "
                                        + Duration.between(started, Instant.now()).toSeconds()
                                        + " s (retry budget "
                                        + retryBudget.toSeconds()
                                        + " s, or the attempt's time budget); last answer: "
                                        + answer.describe());
                    }
                    notes.accept(
                            "upload not taken ("
                                    + answer.describe()
                                    + "); trying again in "
                                    + delay.toMillis()
                                    + " ms");
                    Thread.sleep(delay.toMillis());
                }
            }
        }
    }

    /** The failure code of an answer that blames the crate. */
    private static FailureCode crateFault(UploadOutcome outcome) {
        return outcome == UploadOutcome.TOO_LARGE
                ? FailureCode.ARTIFACT_TOO_LARGE
                : FailureCode.BUILD_FAILED;
    }

    /**
     * One answer of the service, classified, with what it said for the failure reason (the
     * service's detail or the network error, never the token).
     */
    private record Answer(UploadOutcome outcome, String what) {
        String describe() {
            return outcome.reason() + ", " + what;
        }
    }

    private Answer send(
            URI uploadUrl,
            String jobToken,
            Path file,
            ArtifactDigest digest,
            String contentType,
            Instant deadline,
            LongConsumer progress)
            throws JobFailure, InterruptedException {
        // one upload may take long (a large artifact on a slow link): only the attempt's deadline
        // bounds it; the retry budget bounds the waiting between tries
        Duration timeout = Duration.between(Instant.now(), deadline);
        if (timeout.isNegative() || timeout.isZero()) {
            timeout = Duration.ofMillis(1);
        }
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
        } catch (FileNotFoundException | NoSuchFileException e) {
            throw new JobFailure(FailureCode.INFRASTRUCTURE, "artifact file is missing", e);
        } catch (IOException e) {
            return new Answer(UploadOutcome.UNAVAILABLE, "network error " + JobFailure.describe(e));
        }
        int status = response.statusCode();
        String body = response.body();
        UploadOutcome outcome = UploadOutcome.classify(status, problemType(body));
        String detail = detail(body);
        return new Answer(outcome, "HTTP " + status + (detail.isEmpty() ? "" : ": " + detail));
    }

    /** The {@code type} of a problem+json body, or null when the body is not one. */
    static String problemType(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode type = JSON.readTree(body).path("type");
            return type.isTextual() ? type.asText() : null;
        } catch (IOException e) {
            return null; // a proxy's HTML page: an unlisted answer
        }
    }

    /** The {@code detail} of a problem+json answer (or the body), shortened to one line. */
    private static String detail(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String text = body;
        try {
            JsonNode detail = JSON.readTree(body).path("detail");
            if (detail.isTextual()) {
                text = detail.asText();
            }
        } catch (IOException e) {
            // not JSON: show the body itself
        }
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
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
