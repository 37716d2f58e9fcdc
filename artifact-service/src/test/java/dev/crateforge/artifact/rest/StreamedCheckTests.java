package dev.crateforge.artifact.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.artifact.service.ArtifactValidation;
import dev.crateforge.artifact.service.validation.BinaryArchiveValidator;
import dev.crateforge.artifact.service.validation.InvalidArtifact;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.contract.UploadOutcome;
import dev.crateforge.protocol.job.ArtifactKind;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Large uploads (over the 64 KiB held in memory) are checked while they stream to the store, from
 * the one read of their body, against the real servers: a valid one is stored, an invalid one is
 * stopped long before its last byte, a body that ends early or carries bytes after its archive is
 * judged as the same bytes checked in memory are, and no path leaves an object or a running check
 * behind.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class StreamedCheckTests {

    private static final String VERSION = "2.0.0";

    /** What a garbage body declares: far more than the service may read before it refuses. */
    private static final long GARBAGE_LENGTH = 256L << 20;

    @Inject ArtifactCatalog catalog;
    @Inject ArtifactValidation validation;
    @Inject S3Client s3;

    @ConfigProperty(name = "artifact.s3.bucket")
    String bucket;

    @TestHTTPResource URL base;

    @AfterEach
    void noCheckIsLeftRunning() {
        await().atMost(Duration.ofSeconds(30)).until(() -> validation.running() == 0);
    }

    private TestJobs runningJob() {
        return TestJobs.running(catalog, "streamed", VERSION, ArtifactKind.BINARY);
    }

    private static Response put(TestJobs job, byte[] bytes) {
        return given().header("Authorization", "Bearer " + job.token(1))
                .contentType("application/octet-stream")
                .body(bytes)
                .put(job.uploadPath());
    }

    private List<S3Object> objectsOf(TestJobs job) {
        return s3.listObjectsV2(l -> l.bucket(bucket).prefix("artifacts/" + job.crate + "/"))
                .contents();
    }

    private void assertNothingKept(TestJobs job) {
        assertThat(objectsOf(job)).isEmpty();
        assertThat(catalog.ofAttempt(job.jobId, 1, ArtifactKind.BINARY)).isEmpty();
    }

    /** The verdict of the validator on the whole bytes in memory: empty when it accepts them. */
    private static String inMemoryRefusal(byte[] body) {
        try {
            new BinaryArchiveValidator(1000, 8L << 30).check(new ByteArrayInputStream(body));
            return null;
        } catch (InvalidArtifact e) {
            return e.getMessage();
        }
    }

    @Test
    void storesAValidLargeBinary() {
        TestJobs job = runningJob();
        byte[] bytes = TestArtifacts.binary(3 << 20);
        put(job, bytes)
                .then()
                .statusCode(201)
                .body("sha256", equalTo(TestJobs.sha256(bytes)))
                .body("size", equalTo(bytes.length));
        assertThat(objectsOf(job))
                .singleElement()
                .satisfies(o -> assertThat(o.size()).isEqualTo(bytes.length));
        assertThat(catalog.ofAttempt(job.jobId, 1, ArtifactKind.BINARY)).isPresent();
    }

    @Test
    void refusesAnInvalidLargeBinaryBeforeItsBodyEndsAndKeepsNothing() throws Exception {
        TestJobs job = runningJob();
        URI uri = base.toURI();
        AtomicLong sent = new AtomicLong();
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(120));
            OutputStream out = socket.getOutputStream();
            out.write(requestHead(job, GARBAGE_LENGTH));
            // Zeros: not gzip, refused on the first bytes. The client goes on sending until the
            // connection is closed on it or it sent everything it declared.
            CompletableFuture<Void> sending =
                    CompletableFuture.runAsync(
                            () -> {
                                byte[] zeros = new byte[64 * 1024];
                                try {
                                    while (sent.get() < GARBAGE_LENGTH) {
                                        out.write(zeros);
                                        sent.addAndGet(zeros.length);
                                    }
                                } catch (IOException closed) {
                                    // The service answered and hung up: expected.
                                }
                            });
            RawAnswer answer = RawAnswer.read(socket.getInputStream());
            long sentWhenAnswered = sent.get();
            socket.close();
            sending.get(60, TimeUnit.SECONDS);

            assertThat(answer.status).isEqualTo(UploadOutcome.INVALID_ARTIFACT.status());
            assertThat(answer.body)
                    .contains(UploadOutcome.INVALID_ARTIFACT.problemType())
                    .contains("the binary artifact is not gzip-compressed");
            // Answered long before the last byte: without the early stop the service reads (and
            // stores) the whole body first, and the client has sent it all by then.
            assertThat(sentWhenAnswered).isLessThan(GARBAGE_LENGTH / 2);
        }
        assertNothingKept(job);
        put(job, TestArtifacts.binary(200_000)).then().statusCode(201);
    }

    @Test
    void refusesALargeArchiveCutShortAsTheBytesInMemoryAre() {
        TestJobs job = runningJob();
        byte[] whole = TestArtifacts.binary(2 << 20);
        byte[] cut = Arrays.copyOf(whole, whole.length - 1000);
        String expected = inMemoryRefusal(cut);
        assertThat(expected)
                .isEqualTo("the binary artifact's compressed stream is broken or cut short");
        Response answer = put(job, cut);
        UploadOutcomeTests.expect(UploadOutcome.INVALID_ARTIFACT, answer);
        assertThat(answer.path("detail").toString()).isEqualTo(expected);
        assertNothingKept(job);
    }

    @Test
    void storesALargeArchiveWithBytesAfterItAsTheBytesInMemoryAre() {
        TestJobs job = runningJob();
        byte[] archive = TestArtifacts.binary(1 << 20);
        // Far more trailing bytes than the check's pipe holds: the validator is done at the end of
        // the gzip stream, and the upload must go on without it.
        byte[] trailing = TestJobs.randomBytes(4 << 20);
        trailing[0] = 0;
        byte[] body = Arrays.copyOf(archive, archive.length + trailing.length);
        System.arraycopy(trailing, 0, body, archive.length, trailing.length);
        assertThat(inMemoryRefusal(body)).isNull();
        put(job, body)
                .then()
                .statusCode(201)
                .body("sha256", equalTo(TestJobs.sha256(body)))
                .body("size", equalTo(body.length));
        assertThat(objectsOf(job))
                .singleElement()
                .satisfies(o -> assertThat(o.size()).isEqualTo(body.length));
    }

    @Test
    void aClientGoneMidUploadLeavesNoObjectAndNoCheckRunning() throws Exception {
        TestJobs job = runningJob();
        byte[] archive = TestArtifacts.binary(8 << 20);
        double before = UploadTests.rejections("upload_incomplete");
        URI uri = base.toURI();
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(requestHead(job, archive.length));
            // A valid start: the check is inside the archive, waiting for more, when the client
            // goes.
            out.write(archive, 0, 2 << 20);
            out.flush();
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> UploadTests.rejections("upload_incomplete") > before);
        assertNothingKept(job);
        await().atMost(Duration.ofSeconds(30)).until(() -> validation.running() == 0);
        put(job, archive).then().statusCode(201);
    }

    private static byte[] requestHead(TestJobs job, long length) {
        return ("PUT "
                        + job.uploadPath()
                        + " HTTP/1.1\r\n"
                        + "Host: localhost\r\n"
                        + "Authorization: Bearer "
                        + job.token(1)
                        + "\r\n"
                        + "Content-Type: application/octet-stream\r\n"
                        + "Content-Length: "
                        + length
                        + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** An HTTP/1.1 answer read off a socket: its status and its body (Content-Length framed). */
    private record RawAnswer(int status, String body) {

        static RawAnswer read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            int length = 0;
            String header;
            while (!(header = line(in)).isEmpty()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring("content-length:".length()).trim());
                }
            }
            return new RawAnswer(status, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.US_ASCII);
        }
    }
}
