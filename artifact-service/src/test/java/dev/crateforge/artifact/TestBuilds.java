package dev.crateforge.artifact;

import static io.restassured.RestAssured.given;

import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import java.util.List;
import java.util.UUID;

/**
 * Successful builds as the download tests need them: a job run to {@code running}, its artifact
 * uploaded over real HTTP with its job token (answered 201), then the job announced succeeded with
 * provenance signed by the test builder key.
 */
public final class TestBuilds {

    private TestBuilds() {}

    /** A crate name no other test uses: {@code prefix} and eight random hex digits. */
    public static String newCrate(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A succeeded build that stored {@code bytes}, with SSHSIG provenance only. */
    public static TestJobs succeeded(
            ArtifactCatalog catalog,
            String crate,
            String version,
            ArtifactKind kind,
            byte[] bytes) {
        return succeeded(catalog, crate, version, kind, bytes, false);
    }

    /**
     * A succeeded build that stored {@code bytes}, with SSHSIG provenance and, if {@code
     * withEnvelope}, SLSA provenance in a DSSE envelope.
     */
    public static TestJobs succeeded(
            ArtifactCatalog catalog,
            String crate,
            String version,
            ArtifactKind kind,
            byte[] bytes,
            boolean withEnvelope) {
        TestJobs job = new TestJobs(catalog, crate, version, kind).moveTo(1, JobState.RUNNING);
        given().header("Authorization", "Bearer " + job.token(1))
                .contentType("application/octet-stream")
                .body(bytes)
                .put(job.uploadPath())
                .then()
                .statusCode(201);
        List<ArtifactDigest> artifacts =
                List.of(new ArtifactDigest(kind, TestJobs.sha256(bytes), (long) bytes.length));
        return withEnvelope ? job.succeedWithEnvelope(1, artifacts) : job.succeed(1, artifacts);
    }
}
