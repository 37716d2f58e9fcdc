package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.crateforge.builder.support.HttpFixture;
import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.contract.UploadOutcome;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The builder's side of the upload contract: for every {@link UploadOutcome}, a real HTTP server
 * answers with its status and problem+json type, and the uploader must do what the outcome's action
 * says. A new outcome is tested as soon as it exists; a new action does not compile here until it
 * has an expectation.
 */
class ArtifactUploaderContractTests {

    private static final String TOKEN = "upload-token-for-tests";
    private static final Duration FAST = Duration.ofMillis(5);

    @TempDir Path temp;

    private HttpFixture http;
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> alarms = new CopyOnWriteArrayList<>();
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private Path file;
    private ArtifactDigest digest;

    @BeforeEach
    void start() throws Exception {
        http = new HttpFixture();
        byte[] body = "{\"packages\":[]}".getBytes(StandardCharsets.UTF_8);
        file = Files.write(temp.resolve("metadata.json"), body);
        digest =
                new ArtifactDigest(
                        ArtifactKind.METADATA, SourceFetcherTests.sha256(body), (long) body.length);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @ParameterizedTest
    @EnumSource(UploadOutcome.class)
    void reactsToEveryOutcomeAsTheContractSays(UploadOutcome outcome) throws Exception {
        // the outcome first, then success: only a retried upload reaches the second answer
        http.nextUploadAnswers(new HttpFixture.Answer(outcome.status(), outcome.reason()));
        ArtifactUploader uploader = uploader(Duration.ofSeconds(30));

        Throwable thrown = catchThrowable(() -> upload(uploader, inAMinute()));

        switch (outcome.action()) {
            case DONE -> {
                assertThat(thrown).isNull();
                assertThat(http.uploads()).hasSize(1);
            }
            case RETRY_WITH_BACKOFF -> {
                assertThat(thrown).isNull();
                assertThat(http.uploads()).hasSize(2);
                assertThat(notes)
                        .singleElement()
                        .asString()
                        .startsWith("upload not taken (" + outcome.reason() + ", HTTP ");
            }
            case ABANDON_JOB -> {
                assertThat(thrown)
                        .isInstanceOf(JobAbandoned.class)
                        .hasMessageContaining(outcome.reason());
                assertThat(http.uploads()).hasSize(1);
            }
            case REPORT_CRATE_FAILURE -> {
                assertThat(thrown).isInstanceOf(JobFailure.class);
                assertThat(((JobFailure) thrown).code()).isEqualTo(FailureCode.ARTIFACT_TOO_LARGE);
                assertThat(http.uploads()).hasSize(1);
            }
            case REPORT_INFRASTRUCTURE_FAILURE -> {
                assertThat(thrown).isInstanceOf(JobFailure.class);
                assertThat(((JobFailure) thrown).code()).isEqualTo(FailureCode.INFRASTRUCTURE);
                assertThat(thrown).hasMessageContaining(outcome.reason());
                assertThat(http.uploads()).hasSize(1);
                assertThat(alarms).isEmpty();
            }
            case STOP -> {
                assertThat(thrown).isInstanceOf(JobFailure.class);
                assertThat(((JobFailure) thrown).code()).isEqualTo(FailureCode.INFRASTRUCTURE);
                assertThat(http.uploads()).hasSize(1);
                assertThat(alarms).singleElement().asString().contains(outcome.reason());
            }
            case ASK_AGAIN, RECONNECT_NOW, RECONNECT_WITH_BACKOFF ->
                    throw new AssertionError(
                            "no upload outcome should ask for " + outcome.action());
        }
        assertThat(String.valueOf(thrown)).doesNotContain(TOKEN);
    }

    @Test
    void retriesAnUnlistedAnswerLikeUnavailable() throws Exception {
        http.nextUploadAnswers(
                new HttpFixture.Answer(502, null), new HttpFixture.Answer(418, null));

        upload(uploader(Duration.ofSeconds(30)), inAMinute());

        assertThat(http.uploads()).hasSize(3);
    }

    @Test
    void givesUpAfterTheRetryBudgetAsAnInfrastructureFailure() throws Exception {
        http.uploadAnswer(503, UploadOutcome.STORAGE_FAILED.reason());

        JobFailure failure =
                (JobFailure)
                        catchThrowable(() -> upload(uploader(Duration.ofMillis(200)), inAMinute()));

        assertThat(failure.code()).isEqualTo(FailureCode.INFRASTRUCTURE);
        assertThat(failure.getMessage())
                .startsWith("upload gave up after ")
                .contains("storage_failed", "HTTP 503", "refused by the test");
        assertThat(http.uploads().size()).isGreaterThan(1);
    }

    @Test
    void neverRetriesPastTheAttemptsDeadline() throws Exception {
        http.uploadAnswer(503, UploadOutcome.UNAVAILABLE.reason());

        JobFailure failure =
                (JobFailure)
                        catchThrowable(
                                () ->
                                        upload(
                                                uploader(Duration.ofMinutes(10)),
                                                Instant.now().plusMillis(200)));

        assertThat(failure.code()).isEqualTo(FailureCode.INFRASTRUCTURE);
        assertThat(failure.getMessage()).startsWith("upload gave up after ");
    }

    @Test
    void namesTheExceptionClassOfANetworkErrorWithoutMessage() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ArtifactUploader uploader = uploader(Duration.ofMillis(100));

        assertThatThrownBy(
                        () ->
                                uploader.upload(
                                        URI.create("http://127.0.0.1:" + closedPort + "/upload/x"),
                                        TOKEN,
                                        file,
                                        digest,
                                        "application/json",
                                        inAMinute(),
                                        sent -> {},
                                        notes::add))
                .isInstanceOf(JobFailure.class)
                .hasMessageContaining("network error ")
                .hasMessageContaining("ConnectException")
                .hasMessageNotContaining("null");
    }

    private ArtifactUploader uploader(Duration retryBudget) {
        return new ArtifactUploader(client, retryBudget, FAST, alarms::add);
    }

    private void upload(ArtifactUploader uploader, Instant deadline) throws Exception {
        uploader.upload(
                http.url("/upload/job/metadata"),
                TOKEN,
                file,
                digest,
                "application/json",
                deadline,
                sent -> {},
                notes::add);
    }

    private static Instant inAMinute() {
        return Instant.now().plusSeconds(60);
    }
}
