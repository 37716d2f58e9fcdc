package dev.crateforge.artifact.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.TestTokens;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.contract.UploadOutcome;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every entry of the protocol's {@link UploadOutcome} table, provoked over real HTTP against the
 * running service and the real stack, and read back the way a builder reads it ({@link
 * UploadOutcome#classify}). One dynamic test per entry: an entry added to the table without a
 * provocation here, or a named test elsewhere that provokes it, fails this class.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class UploadOutcomeTests {

    private static final String VERSION = "3.1.4";

    /**
     * Entries provoked by a test of their own elsewhere, with that test ({@code Class#method}): a
     * fault of a dependency, or a revocation record read from Kafka. The references are checked to
     * exist.
     */
    static final Map<UploadOutcome, String> PROVOKED_BY_FAULT =
            Map.of(
                    UploadOutcome.STORAGE_FAILED,
                    OutageTests.class.getName() + "#aVanishedObjectStoreAnswers503StorageFailed",
                    UploadOutcome.BUILDER_REVOKED,
                    "dev.crateforge.artifact.security.RevocationTests"
                            + "#aDisabledBuildersTokenIsRefusedAndAnotherBuildersStillWorks");

    /**
     * Entries this service does not produce (yet), with the reason; each is a gap in the contract's
     * coverage that must be closed, not a place to park new entries.
     */
    static final Map<UploadOutcome, String> NOT_PRODUCED =
            Map.of(
                    UploadOutcome.BAD_LENGTH,
                    "the HTTP server refuses a malformed or negative Content-Length itself, with a"
                            + " plain 400, before the request reaches the service (badLength pins"
                            + " that answer); the service's own check is defence in depth");

    @Inject ArtifactCatalog catalog;
    @Inject S3Client s3;

    @ConfigProperty(name = "artifact.s3.bucket")
    String bucket;

    @TestHTTPResource URL base;

    /** How each entry is provoked; each asserts the answer with {@link #expect}. */
    private Map<UploadOutcome, Provocation> provocations() {
        Map<UploadOutcome, Provocation> p = new EnumMap<>(UploadOutcome.class);
        p.put(UploadOutcome.STORED, () -> stored());
        p.put(UploadOutcome.ALREADY_STORED, () -> alreadyStored());
        p.put(UploadOutcome.BAD_PATH, () -> badPath());
        p.put(UploadOutcome.BAD_LENGTH, () -> badLength());
        p.put(UploadOutcome.BAD_CHECKSUM_HEADER, () -> badChecksumHeader());
        p.put(UploadOutcome.UPLOAD_INCOMPLETE, () -> uploadIncomplete());
        p.put(UploadOutcome.TOKEN_MISSING, () -> tokenMissing());
        p.put(UploadOutcome.TOKEN_INVALID, () -> tokenInvalid());
        p.put(UploadOutcome.TOKEN_EXPIRED, () -> tokenExpired());
        p.put(UploadOutcome.TOKEN_AUDIENCE, () -> tokenAudience());
        p.put(UploadOutcome.TOKEN_ISSUER, () -> tokenIssuer());
        p.put(UploadOutcome.TOKEN_CLAIMS, () -> tokenClaims());
        p.put(UploadOutcome.TOKEN_JOB, () -> tokenJob());
        p.put(UploadOutcome.KIND_NOT_ALLOWED, () -> kindNotAllowed());
        p.put(UploadOutcome.ATTEMPT_NOT_LIVE, () -> attemptNotLive());
        p.put(UploadOutcome.CONFLICT, () -> conflict());
        p.put(UploadOutcome.LENGTH_REQUIRED, () -> lengthRequired());
        p.put(UploadOutcome.TOO_LARGE, () -> tooLarge());
        p.put(UploadOutcome.HASH_MISMATCH, () -> hashMismatch());
        p.put(UploadOutcome.INVALID_ARTIFACT, () -> invalidArtifact());
        p.put(UploadOutcome.UNAVAILABLE, () -> unavailable());
        return p;
    }

    @TestFactory
    Stream<DynamicTest> everyUploadOutcomeIsProduced() {
        Map<UploadOutcome, Provocation> provocations = provocations();
        return Arrays.stream(UploadOutcome.values())
                .map(
                        outcome ->
                                DynamicTest.dynamicTest(
                                        outcome.reason(),
                                        () -> {
                                            Provocation provocation = provocations.get(outcome);
                                            if (provocation != null) {
                                                provocation.run();
                                            }
                                            if (provocation != null
                                                    && !NOT_PRODUCED.containsKey(outcome)) {
                                                return;
                                            }
                                            if (PROVOKED_BY_FAULT.containsKey(outcome)) {
                                                assertTestExists(PROVOKED_BY_FAULT.get(outcome));
                                            } else if (!NOT_PRODUCED.containsKey(outcome)) {
                                                fail(
                                                        "no test provokes upload outcome "
                                                                + outcome
                                                                + ": add one to "
                                                                + UploadOutcomeTests.class
                                                                        .getSimpleName());
                                            }
                                        }));
    }

    /** One way to make the service answer an outcome, asserting the answer. */
    @FunctionalInterface
    interface Provocation {
        void run() throws Exception;
    }

    // --- the provocations -----------------------------------------------------------------------

    private void stored() {
        TestJobs job = runningJob(ArtifactKind.BINARY);
        byte[] bytes = TestArtifacts.binary(2_000);
        expect(UploadOutcome.STORED, put(job, job.token(1), bytes));
        assertThat(catalog.ofAttempt(job.jobId, 1, ArtifactKind.BINARY)).isPresent();
    }

    private void alreadyStored() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        byte[] bytes = TestArtifacts.metadata(job.crate, VERSION);
        expect(UploadOutcome.STORED, put(job, job.token(1), bytes));
        expect(UploadOutcome.ALREADY_STORED, put(job, job.token(1), bytes));
        assertThat(objectsOf(job)).isEqualTo(1);
    }

    private void badPath() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        byte[] bytes = TestArtifacts.metadata(job.crate, VERSION);
        expect(
                UploadOutcome.BAD_PATH,
                upload(job.token(1), bytes).put("/api/v1/jobs/not-a-job/artifacts/metadata"));
        expect(
                UploadOutcome.BAD_PATH,
                upload(job.token(1), bytes)
                        .put("/api/v1/jobs/" + job.jobId + "/artifacts/sources"));
        assertThat(objectsOf(job)).isZero();
    }

    /**
     * Not produced by the service: the HTTP server answers a malformed Content-Length itself. What
     * a builder gets then is a plain 400, which it reads as {@code unavailable} (retry), and
     * nothing is kept.
     */
    private void badLength() throws Exception {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        for (String length : new String[] {"12abc", "-5"}) {
            String answer =
                    raw(
                            job,
                            "Content-Length: " + length + "\r\n",
                            TestArtifacts.metadata(job.crate, VERSION),
                            true);
            assertThat(answer)
                    .as("the answer to Content-Length %s", length)
                    .startsWith("HTTP/1.1 400 ");
            assertThat(answer.toLowerCase(java.util.Locale.ROOT)).doesNotContain("problem+json");
        }
        assertThat(objectsOf(job)).isZero();
        assertThat(catalog.job(job.jobId)).isPresent();
    }

    private void badChecksumHeader() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        expect(
                UploadOutcome.BAD_CHECKSUM_HEADER,
                upload(job.token(1), TestArtifacts.metadata(job.crate, VERSION))
                        .header("X-Checksum-Sha256", "not-hex")
                        .put(job.uploadPath()));
        assertThat(objectsOf(job)).isZero();
    }

    /**
     * A client that cuts its upload off cannot read the answer; the service's rejection counter
     * shows that it was answered {@code upload_incomplete}, and nothing was kept.
     */
    private void uploadIncomplete() throws Exception {
        TestJobs job = runningJob(ArtifactKind.BINARY);
        double before = UploadTests.rejections(UploadOutcome.UPLOAD_INCOMPLETE.reason());
        URI uri = base.toURI();
        // The start of a valid archive: bytes the content check refuses would be answered
        // invalid_artifact as soon as it sees them, before the body is known to be cut short.
        byte[] archive = TestArtifacts.binary(1_000_000);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(
                    head(job, "Content-Length: " + archive.length + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            out.write(archive, 0, 100_000);
            out.flush();
        }
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                UploadTests.rejections(UploadOutcome.UPLOAD_INCOMPLETE.reason())
                                        > before);
        assertThat(objectsOf(job)).isZero();
        assertThat(catalog.ofAttempt(job.jobId, 1, ArtifactKind.BINARY)).isEmpty();
    }

    private void tokenMissing() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        expect(
                UploadOutcome.TOKEN_MISSING,
                given().contentType("application/octet-stream")
                        .body(TestArtifacts.metadata(job.crate, VERSION))
                        .put(job.uploadPath()));
    }

    private void tokenInvalid() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        String forged =
                TestTokens.sign(
                        TestTokens.claims(job.jobId, 1, job.builderId, "metadata"),
                        "intruder",
                        TestTokens.SCHEDULER_KID);
        expectRefused(job, forged, UploadOutcome.TOKEN_INVALID);
    }

    private void tokenExpired() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        String expired =
                TestTokens.sign(
                        TestTokens.claims(job.jobId, 1, job.builderId, "metadata")
                                .issuedAt(Instant.now().minusSeconds(1200))
                                .expiresAt(Instant.now().minusSeconds(600)));
        expectRefused(job, expired, UploadOutcome.TOKEN_EXPIRED);
    }

    private void tokenAudience() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        String token =
                TestTokens.sign(
                        TestTokens.claims(job.jobId, 1, job.builderId, "metadata")
                                .audience("crateforge-gateway"));
        expectRefused(job, token, UploadOutcome.TOKEN_AUDIENCE);
    }

    private void tokenIssuer() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        String token =
                TestTokens.sign(
                        TestTokens.claims(job.jobId, 1, job.builderId, "metadata")
                                .issuer("crateforge-operators"));
        expectRefused(job, token, UploadOutcome.TOKEN_ISSUER);
    }

    private void tokenClaims() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        String token =
                TestTokens.sign(
                        TestTokens.claims(job.jobId, 1, job.builderId, "metadata")
                                .claim("attempt", 0));
        expectRefused(job, token, UploadOutcome.TOKEN_CLAIMS);
    }

    private void tokenJob() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        TestJobs other = runningJob(ArtifactKind.METADATA);
        expectRefused(job, other.token(1), UploadOutcome.TOKEN_JOB);
    }

    private void kindNotAllowed() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        expectRefused(
                job,
                TestTokens.mint(job.jobId, 1, job.builderId, "binary"),
                UploadOutcome.KIND_NOT_ALLOWED);
    }

    private void attemptNotLive() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        String first = job.token(1);
        job.moveTo(1, JobState.CANCELLED);
        expectRefused(job, first, UploadOutcome.ATTEMPT_NOT_LIVE);
    }

    private void conflict() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        byte[] first = TestArtifacts.metadata(job.crate, VERSION, "\"build\":1");
        expect(UploadOutcome.STORED, put(job, job.token(1), first));
        expect(
                UploadOutcome.CONFLICT,
                put(job, job.token(1), TestArtifacts.metadata(job.crate, VERSION, "\"build\":2")));
        assertThat(catalog.ofAttempt(job.jobId, 1, ArtifactKind.METADATA).orElseThrow().sha256)
                .isEqualTo(TestJobs.sha256(first));
        assertThat(objectsOf(job)).isEqualTo(1);
    }

    private void lengthRequired() throws Exception {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        byte[] bytes = TestArtifacts.metadata(job.crate, VERSION);
        HttpResponse<String> answer =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(base.toURI().resolve(job.uploadPath()))
                                        .header("Authorization", "Bearer " + job.token(1))
                                        // a stream of unknown length goes out chunked
                                        .PUT(
                                                HttpRequest.BodyPublishers.ofInputStream(
                                                        () -> new ByteArrayInputStream(bytes)))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        expectAnswer(
                UploadOutcome.LENGTH_REQUIRED,
                answer.statusCode(),
                answer.headers().firstValue("Content-Type").orElse(null),
                type(answer.body()),
                answer.headers().firstValue("Retry-After").orElse(null));
        assertThat(objectsOf(job)).isZero();
    }

    private void tooLarge() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        // the test profile caps metadata at 64 KiB
        expect(
                UploadOutcome.TOO_LARGE,
                put(job, job.token(1), TestArtifacts.metadataOfSize(job.crate, VERSION, 65_537)));
        assertThat(objectsOf(job)).isZero();
    }

    private void hashMismatch() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        expect(
                UploadOutcome.HASH_MISMATCH,
                upload(job.token(1), TestArtifacts.metadata(job.crate, VERSION))
                        .header("X-Checksum-Sha256", "00".repeat(32))
                        .put(job.uploadPath()));
        assertThat(objectsOf(job)).isZero();
    }

    private void invalidArtifact() {
        TestJobs metadata = runningJob(ArtifactKind.METADATA);
        Response wrongCrate =
                put(metadata, metadata.token(1), TestArtifacts.metadata("another-crate", VERSION));
        expect(UploadOutcome.INVALID_ARTIFACT, wrongCrate);
        assertThat(wrongCrate.path("detail").toString())
                .isEqualTo(
                        "the metadata does not describe package '"
                                + metadata.crate
                                + "' version '"
                                + VERSION
                                + "'; it describes 'another-crate' '"
                                + VERSION
                                + "'");
        TestJobs binary = runningJob(ArtifactKind.BINARY);
        Response symlink =
                put(
                        binary,
                        binary.token(1),
                        TestArtifacts.tarGzWithEntry(
                                "demo", TarConstants.LF_SYMLINK, "/etc/passwd"));
        expect(UploadOutcome.INVALID_ARTIFACT, symlink);
        assertThat(symlink.path("detail").toString()).isEqualTo("entry 'demo' is a symbolic link");
        // Nothing of either is kept, and the attempt can still upload what it should have.
        for (TestJobs job : new TestJobs[] {metadata, binary}) {
            assertThat(objectsOf(job)).isZero();
            assertThat(catalog.ofAttempt(job.jobId, 1, job.kind)).isEmpty();
        }
        expect(UploadOutcome.STORED, put(binary, binary.token(1), TestArtifacts.binary(1_000)));
    }

    private void unavailable() {
        // Neither the token nor the service's copy of the job states describes the job yet.
        TestJobs job = new TestJobs(catalog, newCrate(), VERSION, ArtifactKind.METADATA);
        expectRefused(job, job.token(1), UploadOutcome.UNAVAILABLE);
        assertThat(objectsOf(job)).isZero();
    }

    // --- helpers
    // ----------------------------------------------------------------------------------

    private static String newCrate() {
        return "out" + UUID.randomUUID().toString().substring(0, 8);
    }

    private TestJobs runningJob(ArtifactKind kind) {
        return new TestJobs(catalog, newCrate(), VERSION, kind)
                .moveTo(1, JobState.ASSIGNED)
                .moveTo(1, JobState.RUNNING);
    }

    private static RequestSpecification upload(String token, byte[] bytes) {
        return given().header("Authorization", "Bearer " + token)
                .contentType("application/octet-stream")
                .body(bytes);
    }

    private static Response put(TestJobs job, String token, byte[] bytes) {
        return upload(token, bytes).put(job.uploadPath());
    }

    private void expectRefused(TestJobs job, String token, UploadOutcome outcome) {
        expect(outcome, put(job, token, TestArtifacts.metadata(job.crate, VERSION)));
        assertThat(objectsOf(job)).isZero();
    }

    /** The answer is the outcome's status and problem, and a builder reads it as that outcome. */
    static void expect(UploadOutcome outcome, Response answer) {
        expectAnswer(
                outcome,
                answer.statusCode(),
                answer.contentType(),
                answer.statusCode() >= 400 ? answer.path("type") : null,
                answer.header("Retry-After"));
    }

    static void expectAnswer(
            UploadOutcome outcome,
            int status,
            String contentType,
            String problemType,
            String retryAfter) {
        assertThat(status).as("status of %s", outcome).isEqualTo(outcome.status());
        if (status >= 400) {
            assertThat(contentType).startsWith("application/problem+json");
            assertThat(problemType).isEqualTo(outcome.problemType());
        }
        assertThat(UploadOutcome.classify(status, problemType)).isEqualTo(outcome);
        if (status == 503) {
            assertThat(retryAfter).as("Retry-After of a 503").isNotBlank();
        }
    }

    private static String type(String problemJson) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"type\"\\s*:\\s*\"([^\"]*)\"")
                        .matcher(problemJson);
        return m.find() ? m.group(1) : null;
    }

    private String head(TestJobs job, String lengthHeader) throws Exception {
        URI uri = base.toURI();
        return "PUT "
                + job.uploadPath()
                + " HTTP/1.1\r\nHost: "
                + uri.getHost()
                + "\r\nAuthorization: Bearer "
                + job.token(1)
                + "\r\nContent-Type: application/octet-stream\r\n"
                + lengthHeader
                + "Connection: close\r\n\r\n";
    }

    /** Sends a request written by hand and returns the whole answer. */
    private String raw(TestJobs job, String lengthHeader, byte[] body, boolean readAnswer)
            throws Exception {
        URI uri = base.toURI();
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head(job, lengthHeader).getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            if (!readAnswer) {
                return "";
            }
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private int objectsOf(TestJobs job) {
        return s3.listObjectsV2(l -> l.bucket(bucket).prefix("artifacts/" + job.crate + "/"))
                .contents()
                .size();
    }

    /** Fails unless {@code Class#method} names a test method that exists. */
    private static void assertTestExists(String reference) throws Exception {
        String[] parts = reference.split("#");
        Class<?> type = Class.forName(parts[0]);
        assertThat(Arrays.stream(type.getDeclaredMethods()).map(m -> m.getName()))
                .as("the test %s that provokes this outcome", reference)
                .contains(parts[1]);
    }
}
