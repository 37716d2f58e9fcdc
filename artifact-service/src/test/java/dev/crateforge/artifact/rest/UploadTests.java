package dev.crateforge.artifact.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.TestKafka;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.ArtifactStored;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Uploads against the real servers: stored once, announced on Kafka, idempotent, no overwrite, and
 * nothing left behind by a refused or broken upload.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class UploadTests {

    private static final String VERSION = "1.2.3";

    @Inject ArtifactCatalog catalog;
    @Inject S3Client s3;

    @ConfigProperty(name = "artifact.s3.bucket")
    String bucket;

    @TestHTTPResource URL base;

    private TestJobs runningJob(ArtifactKind kind) {
        return new TestJobs(
                        catalog,
                        "crate" + UUID.randomUUID().toString().substring(0, 8),
                        VERSION,
                        kind)
                .moveTo(1, JobState.ASSIGNED)
                .moveTo(1, JobState.RUNNING);
    }

    private static Response put(TestJobs job, String token, byte[] bytes) {
        return given().header("Authorization", "Bearer " + token)
                .contentType("application/octet-stream")
                .body(bytes)
                .when()
                .put(job.uploadPath());
    }

    private List<S3Object> objectsOf(TestJobs job) {
        return s3.listObjectsV2(l -> l.bucket(bucket).prefix("artifacts/" + job.crate + "/"))
                .contents();
    }

    @Test
    void storesUploadRecordsItAndAnnouncesIt() {
        TestJobs job = runningJob(ArtifactKind.BINARY);
        byte[] bytes = TestArtifacts.binary(300_000);
        String sha256 = TestJobs.sha256(bytes);
        try (KafkaConsumer<String, byte[]> consumer = TestKafka.consumer(Topics.ARTIFACTS)) {
            given().header("Authorization", "Bearer " + job.token(1))
                    .header("X-Checksum-Sha256", sha256.toUpperCase())
                    .contentType("application/octet-stream")
                    .body(bytes)
                    .when()
                    .put(job.uploadPath())
                    .then()
                    .statusCode(201)
                    .header("Location", endsWith("/api/v1/jobs/" + job.jobId + "/artifacts/binary"))
                    .body("sha256", equalTo(sha256))
                    .body("size", equalTo(bytes.length))
                    .body("attempt", equalTo(1))
                    .body("crate", equalTo(job.crate));

            ArtifactStored announced =
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> storedRecord(consumer, job.jobId), r -> r != null);
            assertThat(announced.sha256()).isEqualTo(sha256);
            assertThat(announced.size()).isEqualTo(bytes.length);
            assertThat(announced.kind()).isEqualTo(ArtifactKind.BINARY);
        }
        assertThat(catalog.ofAttempt(job.jobId, 1, ArtifactKind.BINARY))
                .get()
                .satisfies(a -> assertThat(a.sha256).isEqualTo(sha256));
        List<S3Object> objects = objectsOf(job);
        assertThat(objects).hasSize(1);
        assertThat(objects.get(0).size()).isEqualTo(bytes.length);
        assertThat(objects.get(0).key())
                .startsWith(
                        "artifacts/"
                                + job.crate
                                + "/"
                                + VERSION
                                + "/"
                                + TestJobs.TARGET
                                + "/binary/"
                                + job.jobId
                                + "-1-")
                .endsWith(".tar.gz");
    }

    private static ArtifactStored storedRecord(KafkaConsumer<String, byte[]> consumer, UUID jobId)
            throws Exception {
        for (ConsumerRecord<String, byte[]> r : TestKafka.poll(consumer)) {
            if (r.key().equals(jobId.toString())) {
                return RecordCodec.decode(r.value(), ArtifactStored.class);
            }
        }
        return null;
    }

    @Test
    void sameBytesAgainAnswer200WithTheStoredArtifact() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        byte[] bytes = TestArtifacts.metadata(job.crate, VERSION);
        put(job, job.token(1), bytes).then().statusCode(201);
        String createdAt =
                put(job, job.token(1), bytes)
                        .then()
                        .statusCode(200)
                        .body("sha256", equalTo(TestJobs.sha256(bytes)))
                        .extract()
                        .path("createdAt");
        assertThat(createdAt).isNotBlank();
        assertThat(objectsOf(job)).hasSize(1);
    }

    @Test
    void differentBytesForTheSameAttemptAnswer409Conflict() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        byte[] first = TestArtifacts.metadata(job.crate, VERSION, "\"a\":1");
        put(job, job.token(1), first).then().statusCode(201);
        put(job, job.token(1), TestArtifacts.metadata(job.crate, VERSION, "\"a\":2"))
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", org.hamcrest.Matchers.containsString(TestJobs.sha256(first)));
        assertThat(objectsOf(job)).hasSize(1);
        assertThat(catalog.ofAttempt(job.jobId, 1, ArtifactKind.METADATA).orElseThrow().sha256)
                .isEqualTo(TestJobs.sha256(first));
    }

    @Test
    void declaredHashMismatchAnswers422AndKeepsNothing() {
        TestJobs job = runningJob(ArtifactKind.BINARY);
        given().header("Authorization", "Bearer " + job.token(1))
                .header("X-Checksum-Sha256", "00".repeat(32))
                .contentType("application/octet-stream")
                // A valid archive, so that the hash is what refuses it (a large body that is not
                // one is refused by the content check before its last byte, hash or not).
                .body(TestArtifacts.binary(100_000))
                .when()
                .put(job.uploadPath())
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("https://crateforge.dev/problems/hash-mismatch"));
        assertThat(objectsOf(job)).isEmpty();
        assertThat(catalog.ofAttempt(job.jobId, 1, ArtifactKind.BINARY)).isEmpty();
        given().get(job.uploadPath()).then().statusCode(404);
    }

    @Test
    void uploadOverTheKindCapAnswers413AndKeepsNothing() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        // The test profile caps metadata at 64 KiB.
        put(job, job.token(1), new byte[65_537])
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("detail", equalTo("a metadata artifact may have at most 65536 bytes"));
        assertThat(objectsOf(job)).isEmpty();
        put(job, job.token(1), TestArtifacts.metadataOfSize(job.crate, VERSION, 65_536))
                .then()
                .statusCode(201);
    }

    @Test
    void uploadWithoutContentLengthAnswers411() throws Exception {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        HttpResponse<String> answer =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(base.toURI().resolve(job.uploadPath()))
                                        .header("Authorization", "Bearer " + job.token(1))
                                        // A stream of unknown length goes out chunked.
                                        .PUT(
                                                HttpRequest.BodyPublishers.ofInputStream(
                                                        () ->
                                                                new java.io.ByteArrayInputStream(
                                                                        new byte[10])))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(411);
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValue("application/problem+json");
        assertThat(objectsOf(job)).isEmpty();
    }

    @Test
    void uploadCutOffHalfWayLeavesNoArtifact() throws Exception {
        TestJobs job = runningJob(ArtifactKind.BINARY);
        double before = rejections("upload_incomplete");
        byte[] archive = TestArtifacts.binary(1_000_000);
        URI uri = base.toURI();
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(
                    ("PUT "
                                    + job.uploadPath()
                                    + " HTTP/1.1\r\n"
                                    + "Host: "
                                    + uri.getHost()
                                    + "\r\n"
                                    + "Authorization: Bearer "
                                    + job.token(1)
                                    + "\r\n"
                                    + "Content-Type: application/octet-stream\r\n"
                                    + "Content-Length: "
                                    + archive.length
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            // The start of a valid archive: bytes the content check refuses would be answered
            // invalid_artifact as soon as it sees them, before the body is known to be cut short.
            out.write(archive, 0, 200_000);
            out.flush();
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> rejections("upload_incomplete") > before);
        assertThat(objectsOf(job)).isEmpty();
        assertThat(catalog.ofAttempt(job.jobId, 1, ArtifactKind.BINARY)).isEmpty();
        // And the attempt can still upload the whole thing afterwards.
        put(job, job.token(1), TestArtifacts.binary(1000)).then().statusCode(201);
    }

    /** The current value of the rejection counter for a reason, from the Prometheus endpoint. */
    static double rejections(String reason) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String prefix = "crateforge_artifact_rejections_total{reason=\"" + reason + "\"} ";
        return metrics.lines()
                .filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()).trim()))
                .findFirst()
                .orElse(0);
    }

    @Test
    void servesMetricsForBytesDurationAndRejections() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        put(job, job.token(1), TestArtifacts.metadata(job.crate, VERSION)).then().statusCode(201);
        given().put(job.uploadPath()).then().statusCode(401);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("crateforge_artifact_upload_bytes_total")
                .contains(
                        "crateforge_artifact_upload_duration_seconds_count{kind=\"metadata\",outcome=\"stored\"")
                .contains("crateforge_artifact_rejections_total{reason=\"token_missing\"}");
        assertThat(rejections("token_missing")).isPositive();
    }

    @Test
    void readinessReportsS3AndDatabaseUp() {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 's3' }.status", equalTo("UP"))
                .body("checks.find { it.name.contains('Database') }.status", equalTo("UP"));
    }
}
