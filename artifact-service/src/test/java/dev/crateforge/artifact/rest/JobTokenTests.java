package dev.crateforge.artifact.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.TestTokens;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Every way a job token can be wrong, each refused with its own problem and reason, and a key
 * rotation the service follows by refreshing the JWKS on an unknown {@code kid}.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class JobTokenTests {

    @Inject ArtifactCatalog catalog;

    @ConfigProperty(name = "test.jwks.file")
    String jwksFile;

    private TestJobs runningJob() {
        return new TestJobs(
                        catalog,
                        "tok" + UUID.randomUUID().toString().substring(0, 8),
                        "0.1.0",
                        ArtifactKind.METADATA)
                .moveTo(1, JobState.ASSIGNED);
    }

    private static ValidatableResponse upload(TestJobs job, String authorization) {
        var request =
                given().contentType("application/octet-stream")
                        .body(TestArtifacts.metadata(job.crate, job.version));
        if (authorization != null) {
            request = request.header("Authorization", authorization);
        }
        return request.when().put(job.uploadPath()).then();
    }

    private static void refused(ValidatableResponse answer, int status, String reason) {
        answer.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body(
                        "type",
                        equalTo("https://crateforge.dev/problems/" + reason.replace('_', '-')));
    }

    @Test
    void acceptsTheSchedulersToken() {
        TestJobs job = runningJob();
        upload(job, "Bearer " + job.token(1)).statusCode(201);
    }

    @Test
    void refusesUploadWithoutToken() {
        TestJobs job = runningJob();
        refused(upload(job, null), 401, "token_missing");
        upload(job, null).header("WWW-Authenticate", "Bearer");
        refused(upload(job, "Basic dXNlcjpwYXNz"), 401, "token_missing");
    }

    @Test
    void refusesExpiredToken() {
        TestJobs job = runningJob();
        String token =
                TestTokens.sign(
                        TestTokens.claims(job.jobId, 1, job.builderId, "metadata")
                                .issuedAt(Instant.now().minusSeconds(1200))
                                .expiresAt(Instant.now().minusSeconds(600)));
        refused(upload(job, "Bearer " + token), 401, "token_expired");
    }

    @Test
    void refusesTokenForAnotherAudience() {
        TestJobs job = runningJob();
        String token =
                TestTokens.sign(
                        TestTokens.claims(job.jobId, 1, job.builderId, "metadata")
                                .audience("crateforge-gateway"));
        refused(upload(job, "Bearer " + token), 401, "token_audience");
    }

    @Test
    void refusesTokenFromAnotherIssuer() {
        TestJobs job = runningJob();
        String token =
                TestTokens.sign(
                        TestTokens.claims(job.jobId, 1, job.builderId, "metadata")
                                .issuer("crateforge-operators"));
        refused(upload(job, "Bearer " + token), 401, "token_issuer");
    }

    @Test
    void refusesAnotherJobsToken() {
        TestJobs job = runningJob();
        TestJobs other = runningJob();
        refused(upload(job, "Bearer " + other.token(1)), 403, "token_job");
    }

    @Test
    void refusesKindTheTokenDoesNotAllow() {
        TestJobs job = runningJob();
        String binaryOnly = TestTokens.mint(job.jobId, 1, job.builderId, "binary");
        refused(upload(job, "Bearer " + binaryOnly), 403, "kind_not_allowed");
    }

    @Test
    void refusesStaleAttemptAfterReassignment() {
        TestJobs job = runningJob();
        String firstAttempt = job.token(1);
        job.moveTo(1, JobState.RUNNING).moveTo(2, JobState.QUEUED).moveTo(2, JobState.ASSIGNED);
        refused(upload(job, "Bearer " + firstAttempt), 403, "attempt_not_live");
        upload(job, "Bearer " + job.token(2)).statusCode(201);
    }

    private TestJobs unknownJob() {
        return new TestJobs(
                catalog,
                "tok" + UUID.randomUUID().toString().substring(0, 8),
                "0.1.0",
                ArtifactKind.METADATA);
    }

    @Test
    void acceptsADescribedTokenBeforeTheJobsStateArrives() {
        // A fast job uploads before its `assigned` record reaches this service.
        TestJobs job = unknownJob();
        upload(job, "Bearer " + job.describedToken(1))
                .statusCode(201)
                .body("crate", equalTo(job.crate))
                .body("version", equalTo("0.1.0"))
                .body("target", equalTo(TestJobs.TARGET))
                .body("attempt", equalTo(1));
    }

    @Test
    void acceptsADescribedTokenOfAnAttemptNewerThanTheKnownOne() {
        TestJobs job = runningJob();
        upload(job, "Bearer " + job.describedToken(2)).statusCode(201);
    }

    @Test
    void asksToRetryWhenNeitherTheTokenNorLocalStateDescribeTheJob() {
        TestJobs job = unknownJob();
        refused(upload(job, "Bearer " + job.token(1)), 503, "unavailable");
    }

    @Test
    void refusesATokenWhoseDescriptionIsMalformed() {
        TestJobs job = unknownJob();
        String token =
                TestTokens.sign(
                        TestTokens.claims(job.jobId, 1, job.builderId, "metadata")
                                .claim("crate", "../etc")
                                .claim("version", "0.1.0")
                                .claim("target", TestJobs.TARGET));
        refused(upload(job, "Bearer " + token), 401, "token_claims");
    }

    @Test
    void refusesADescribedTokenOnceItsAttemptEnded() {
        TestJobs job = runningJob();
        job.moveTo(1, JobState.FAILED);
        refused(upload(job, "Bearer " + job.describedToken(1)), 403, "attempt_not_live");
    }

    @Test
    void refusesAttemptOfAFinishedJob() {
        TestJobs job = runningJob();
        job.moveTo(1, JobState.CANCELLED);
        refused(upload(job, "Bearer " + job.token(1)), 403, "attempt_not_live");
    }

    @Test
    void refusesTokenOfAnotherBuilder() {
        TestJobs job = runningJob();
        String token = TestTokens.mint(job.jobId, 1, UUID.randomUUID(), "metadata");
        refused(upload(job, "Bearer " + token), 403, "attempt_not_live");
    }

    @Test
    void refusesUnsignedAlgNoneToken() {
        TestJobs job = runningJob();
        refused(
                upload(
                        job,
                        "Bearer " + TestTokens.unsigned(job.jobId, 1, job.builderId, "metadata")),
                401,
                "token_invalid");
    }

    @Test
    void refusesHs256TokenSignedWithThePublicKey() {
        TestJobs job = runningJob();
        refused(
                upload(
                        job,
                        "Bearer "
                                + TestTokens.hs256WithPublicKey(
                                        job.jobId, 1, job.builderId, "metadata")),
                401,
                "token_invalid");
    }

    @Test
    void refusesTokenSignedByAnotherKey() {
        TestJobs job = runningJob();
        String forged =
                TestTokens.sign(
                        TestTokens.claims(job.jobId, 1, job.builderId, "metadata"),
                        "intruder",
                        TestTokens.SCHEDULER_KID);
        refused(upload(job, "Bearer " + forged), 401, "token_invalid");
    }

    @Test
    void refusesGarbage() {
        TestJobs job = runningJob();
        refused(upload(job, "Bearer not.a.jwt"), 401, "token_invalid");
    }

    @Test
    void followsKeyRotationByRefreshingTheJwksOnUnknownKid() throws Exception {
        TestJobs job = runningJob();
        // Load the cache with the old set first, as a running service would have it.
        upload(job, "Bearer " + job.token(1)).statusCode(201);
        Files.writeString(
                Path.of(jwksFile),
                TestTokens.jwks(TestTokens.SCHEDULER_KID, TestTokens.ROTATED_KID));
        TestJobs next = runningJob();
        String rotated =
                TestTokens.sign(
                        TestTokens.claims(next.jobId, 1, next.builderId, "metadata"),
                        "rotated",
                        TestTokens.ROTATED_KID);
        upload(next, "Bearer " + rotated).statusCode(201);
        // Tokens minted before the rotation stay valid while the old key is published.
        upload(job, "Bearer " + job.token(1)).statusCode(200);
    }
}
