package dev.crateforge.artifact.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.OwnPostgresTestResource;
import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.contract.UploadOutcome;
import dev.crateforge.protocol.job.ArtifactKind;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A dependency goes away during uploads: the answer is 503 with the outcome that says "retry later"
 * and a {@code Retry-After}, nothing is kept, and once the dependency is back the same upload is
 * stored. PostgreSQL is this class's own ({@link OwnPostgresTestResource}), crashed for real; the
 * bucket is this class's own too (its own application, so its own test resources).
 */
@QuarkusTest
@WithTestResource(OwnPostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class OutageTests {

    private static final String VERSION = "0.9.0";

    /** Set by {@link OwnPostgresTestResource}. */
    Runnable crashPostgres;

    /** Set by {@link OwnPostgresTestResource}. */
    Runnable restartPostgres;

    @Inject ArtifactCatalog catalog;
    @Inject S3Client s3;

    @ConfigProperty(name = "artifact.s3.bucket")
    String bucket;

    private TestJobs runningJob(ArtifactKind kind) {
        return TestJobs.running(catalog, "outage", VERSION, kind);
    }

    private static Response put(TestJobs job, byte[] bytes) {
        return given().header("Authorization", "Bearer " + job.token(1))
                .contentType("application/octet-stream")
                .body(bytes)
                .put(job.uploadPath());
    }

    private int objectsOf(TestJobs job) {
        return s3.listObjectsV2(l -> l.bucket(bucket).prefix("artifacts/" + job.crate + "/"))
                .contents()
                .size();
    }

    @Test
    void aCrashedDatabaseAnswers503UnavailableAndTheSameUploadSucceedsOnceItIsBack() {
        TestJobs job = runningJob(ArtifactKind.BINARY);
        byte[] bytes = TestArtifacts.binary(50_000);
        crashPostgres.run();
        try {
            // More tries than the pool holds connections: the first ones meet pooled connections
            // the crash broke, the later ones a server that refuses new connections.
            for (int i = 0; i < 6; i++) {
                UploadOutcomeTests.expect(UploadOutcome.UNAVAILABLE, put(job, bytes));
            }
            assertThat(objectsOf(job)).isZero();
        } finally {
            restartPostgres.run();
        }
        // Right after the restart the pool may still hold dead connections, and PostgreSQL may
        // still be in crash recovery: every answer until the upload is stored must be the
        // retriable one, never a 500.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            Response answer = put(job, bytes);
                            if (answer.statusCode() == UploadOutcome.STORED.status()) {
                                return true;
                            }
                            UploadOutcomeTests.expect(UploadOutcome.UNAVAILABLE, answer);
                            return false;
                        });
        assertThat(objectsOf(job)).isEqualTo(1);
        assertThat(catalog.ofAttempt(job.jobId, 1, ArtifactKind.BINARY).orElseThrow().sha256)
                .isEqualTo(TestJobs.sha256(bytes));
    }

    @Test
    void aVanishedObjectStoreAnswers503StorageFailed() {
        TestJobs job = runningJob(ArtifactKind.METADATA);
        byte[] bytes = TestArtifacts.metadata(job.crate, VERSION);
        // This class's bucket, emptied and removed: every PUT to it fails in the store.
        s3.listObjectsV2(l -> l.bucket(bucket))
                .contents()
                .forEach(o -> s3.deleteObject(d -> d.bucket(bucket).key(o.key())));
        s3.deleteBucket(d -> d.bucket(bucket));
        TestJobs large = runningJob(ArtifactKind.BINARY);
        try {
            UploadOutcomeTests.expect(UploadOutcome.STORAGE_FAILED, put(job, bytes));
            assertThat(catalog.ofAttempt(job.jobId, 1, ArtifactKind.METADATA)).isEmpty();
            // A large artifact, checked while it streams: the store's refusal is still the
            // store's, whether or not it read the body before it answered.
            UploadOutcomeTests.expect(
                    UploadOutcome.STORAGE_FAILED, put(large, TestArtifacts.binary(1 << 20)));
            assertThat(catalog.ofAttempt(large.jobId, 1, ArtifactKind.BINARY)).isEmpty();
        } finally {
            s3.createBucket(c -> c.bucket(bucket));
        }
        UploadOutcomeTests.expect(UploadOutcome.STORED, put(job, bytes));
        assertThat(objectsOf(job)).isEqualTo(1);
    }
}
