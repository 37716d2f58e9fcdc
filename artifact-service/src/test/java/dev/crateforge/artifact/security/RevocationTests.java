package dev.crateforge.artifact.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.TestKafka;
import dev.crateforge.artifact.TestTokens;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.contract.UploadOutcome;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.BuilderControl;
import dev.crateforge.protocol.kafka.Topics;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An operator disables a builder (the gateway publishes {@code BuilderControl.Disconnect}): once
 * the record is consumed, the builder's job tokens issued before it are refused with {@code
 * builder_revoked}, tokens of other builders work on, and tokens issued after it (the builder was
 * enabled again) are honoured.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class RevocationTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject ArtifactCatalog catalog;
    @Inject BuilderRevocations revocations;
    @Inject AgroalDataSource dataSource;

    private TestJobs runningJob() {
        return new TestJobs(
                        catalog,
                        "rv" + UUID.randomUUID().toString().substring(0, 8),
                        "1.0.0",
                        ArtifactKind.METADATA)
                .moveTo(1, JobState.ASSIGNED)
                .moveTo(1, JobState.RUNNING);
    }

    private static ValidatableResponse upload(TestJobs job, String token) {
        return given().header("Authorization", "Bearer " + token)
                .contentType("application/octet-stream")
                .body(TestArtifacts.metadata(job.crate, job.version))
                .when()
                .put(job.uploadPath())
                .then();
    }

    private void disable(UUID builderId, Instant at) {
        TestKafka.publishAt(
                Topics.BUILDER_CONTROL,
                builderId.toString(),
                new BuilderControl.Disconnect(builderId, "disabled by an operator"),
                at);
        await().atMost(WAIT).until(() -> revocations.revokedAt(builderId).isPresent());
    }

    @Test
    void aDisabledBuildersTokenIsRefusedAndAnotherBuildersStillWorks() throws Exception {
        TestJobs revoked = runningJob();
        TestJobs other = runningJob();
        String token = revoked.token(1);

        disable(revoked.builderId, Instant.now());

        upload(revoked, token)
                .statusCode(UploadOutcome.BUILDER_REVOKED.status())
                .contentType("application/problem+json")
                .body("type", equalTo(UploadOutcome.BUILDER_REVOKED.problemType()));
        assertThat(catalog.ofAttempt(revoked.jobId, 1, ArtifactKind.METADATA)).isEmpty();
        upload(other, other.token(1)).statusCode(UploadOutcome.STORED.status());
        // Kept in the table too, for replicas that start later.
        assertThat(storedRevocation(revoked.builderId)).isNotNull();
    }

    @Test
    void aTokenIssuedAfterTheRevocationIsHonoured() {
        TestJobs job = runningJob();
        Instant revokedAt = Instant.now().minus(1, ChronoUnit.MINUTES);
        String before =
                TestTokens.sign(
                        TestTokens.claims(job.jobId, 1, job.builderId, "metadata")
                                .issuedAt(revokedAt.minus(1, ChronoUnit.MINUTES)));

        disable(job.builderId, revokedAt);

        upload(job, before)
                .statusCode(403)
                .body("type", equalTo(UploadOutcome.BUILDER_REVOKED.problemType()));
        // Enabled again and given this job afterwards: its new token is honoured.
        upload(job, job.token(1)).statusCode(UploadOutcome.STORED.status());
    }

    private Instant storedRevocation(UUID builderId) throws Exception {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query =
                        connection.prepareStatement(
                                "select revoked_at from builder_revocation where builder_id = ?")) {
            query.setObject(1, builderId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getTimestamp(1).toInstant() : null;
            }
        }
    }
}
