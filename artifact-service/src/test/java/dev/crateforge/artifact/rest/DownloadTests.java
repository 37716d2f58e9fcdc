package dev.crateforge.artifact.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads of what succeeded builds stored (whole, by range, by job and by crate), the listing of
 * a crate version, and provenance that the real {@code ssh-keygen -Y verify} accepts.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class DownloadTests {

    private static final String VERSION = "2.0.0-beta.1";

    @Inject ArtifactCatalog catalog;

    /** Runs a job to success with one uploaded artifact of {@code bytes}. */
    private TestJobs succeededBuild(String crate, ArtifactKind kind, byte[] bytes) {
        return new TestJobs(catalog, crate, VERSION, kind).uploadAndSucceed(bytes);
    }

    private static String newCrate() {
        return "dl" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String cratePath(String crate, ArtifactKind kind) {
        return "/api/v1/crates/"
                + crate
                + "/"
                + VERSION
                + "/"
                + TestJobs.TARGET
                + "/"
                + kind.wireName();
    }

    @Test
    void downloadsTheLatestSuccessfulBuildWithItsHeaders() {
        String crate = newCrate();
        byte[] bytes = TestArtifacts.binary(200_000);
        String sha256 = TestJobs.sha256(bytes);
        succeededBuild(crate, ArtifactKind.BINARY, bytes);

        byte[] body =
                given().get(cratePath(crate, ArtifactKind.BINARY))
                        .then()
                        .statusCode(200)
                        .header("Content-Length", String.valueOf(bytes.length))
                        .header("ETag", '"' + sha256 + '"')
                        .header("X-Checksum-Sha256", sha256)
                        .header("Accept-Ranges", "bytes")
                        .header("X-Content-Type-Options", "nosniff")
                        .header(
                                "Content-Disposition",
                                "attachment; filename=\""
                                        + crate
                                        + "-"
                                        + VERSION
                                        + "-"
                                        + TestJobs.TARGET
                                        + ".tar.gz\"")
                        .contentType("application/gzip")
                        .extract()
                        .asByteArray();
        assertThat(body).isEqualTo(bytes);
    }

    @Test
    void aNewerSuccessfulBuildReplacesTheOlderOne() {
        String crate = newCrate();
        succeededBuild(crate, ArtifactKind.METADATA, TestArtifacts.metadata(crate, VERSION));
        byte[] newer = TestArtifacts.metadata(crate, VERSION, "\"rebuilt\":true");
        succeededBuild(crate, ArtifactKind.METADATA, newer);
        assertThat(
                        given().get(cratePath(crate, ArtifactKind.METADATA))
                                .then()
                                .statusCode(200)
                                .extract()
                                .asByteArray())
                .isEqualTo(newer);
        given().get("/api/v1/crates/" + crate + "/" + VERSION + "/artifacts")
                .then()
                .statusCode(200)
                .body("$", hasSize(1))
                .body("[0].sha256", equalTo(TestJobs.sha256(newer)));
    }

    @Test
    void servesASingleRangeAs206() {
        String crate = newCrate();
        byte[] bytes = TestArtifacts.binary(100_000);
        int n = bytes.length;
        TestJobs job = succeededBuild(crate, ArtifactKind.BINARY, bytes);

        byte[] middle =
                given().header("Range", "bytes=1000-1999")
                        .get(job.uploadPath())
                        .then()
                        .statusCode(206)
                        .header("Content-Range", "bytes 1000-1999/" + n)
                        .header("Content-Length", "1000")
                        .header("X-Checksum-Sha256", TestJobs.sha256(bytes))
                        .extract()
                        .asByteArray();
        assertThat(middle).isEqualTo(Arrays.copyOfRange(bytes, 1000, 2000));

        byte[] tail =
                given().header("Range", "bytes=-10")
                        .get(cratePath(crate, ArtifactKind.BINARY))
                        .then()
                        .statusCode(206)
                        .header("Content-Range", "bytes " + (n - 10) + "-" + (n - 1) + "/" + n)
                        .extract()
                        .asByteArray();
        assertThat(tail).isEqualTo(Arrays.copyOfRange(bytes, n - 10, n));

        given().header("Range", "bytes=" + n + "-")
                .get(job.uploadPath())
                .then()
                .statusCode(416)
                .header("Content-Range", "bytes */" + n)
                .contentType("application/problem+json");
    }

    @Test
    void answersUnknownThingsWith404Problems() {
        String crate = newCrate();
        for (String path :
                List.of(
                        cratePath(crate, ArtifactKind.BINARY),
                        "/api/v1/crates/"
                                + crate
                                + "/"
                                + VERSION
                                + "/"
                                + TestJobs.TARGET
                                + "/sources",
                        "/api/v1/jobs/" + UUID.randomUUID() + "/artifacts/binary",
                        "/api/v1/jobs/" + UUID.randomUUID() + "/provenance",
                        cratePath(crate, ArtifactKind.BINARY) + "/provenance",
                        "/api/v1/nothing-here")) {
            given().get(path)
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json")
                    .body("status", equalTo(404))
                    .body("title", equalTo("Not Found"));
        }
        given().get("/api/v1/crates/" + crate + "/" + VERSION + "/artifacts")
                .then()
                .statusCode(200)
                .body("$", hasSize(0));
        given().get("/api/v1/crates/" + crate + "/not..a..version/artifacts")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void anUnfinishedJobsArtifactIsNotTheCratesDownload() {
        String crate = newCrate();
        TestJobs job =
                new TestJobs(catalog, crate, VERSION, ArtifactKind.METADATA)
                        .moveTo(1, JobState.RUNNING);
        given().header("Authorization", "Bearer " + job.token(1))
                .body(TestArtifacts.metadata(crate, VERSION))
                .put(job.uploadPath())
                .then()
                .statusCode(201);
        given().get(job.uploadPath()).then().statusCode(200);
        given().get(cratePath(crate, ArtifactKind.METADATA)).then().statusCode(404);
    }

    @Test
    void provenanceVerifiesWithSshKeygen(@TempDir Path dir) throws Exception {
        String crate = newCrate();
        byte[] bytes = TestArtifacts.binary(5_000);
        TestJobs job = succeededBuild(crate, ArtifactKind.BINARY, bytes);
        String base = cratePath(crate, ArtifactKind.BINARY) + "/provenance";

        given().get(base)
                .then()
                .statusCode(200)
                .body("jobId", equalTo(job.jobId.toString()))
                .body("namespace", equalTo("build@crateforge.dev"))
                .body(
                        "verifyCommand",
                        equalTo(
                                "ssh-keygen -Y verify -f allowed_signers -I builder"
                                        + " -n build@crateforge.dev -s build.sig < statement"));
        String statement =
                given().get(base + "/statement").then().statusCode(200).extract().asString();
        assertThat(statement)
                .contains("job: " + job.jobId)
                .contains(
                        "artifact: binary sha256:"
                                + TestJobs.sha256(bytes)
                                + " size:"
                                + bytes.length);
        Files.writeString(dir.resolve("statement"), statement);
        Files.writeString(
                dir.resolve("build.sig"),
                given().get(base + "/signature").then().statusCode(200).extract().asString());
        Files.writeString(
                dir.resolve("allowed_signers"),
                given().get(base + "/allowed_signers").then().statusCode(200).extract().asString());
        assertThat(given().get("/api/v1/jobs/" + job.jobId + "/provenance/statement").asString())
                .isEqualTo(statement);

        Assumptions.assumeTrue(
                sshKeygenPresent(),
                "SKIPPED: ssh-keygen is not installed; provenance not checked with it");
        assertThat(verify(dir)).isEqualTo(0);
        // The same files with one byte of the statement changed must fail.
        Files.writeString(
                dir.resolve("statement"),
                statement.replace("size:" + bytes.length, "size:" + (bytes.length + 1)));
        assertThat(verify(dir)).isNotEqualTo(0);
    }

    /** Runs exactly the documented command in {@code dir}; returns its exit code. */
    private static int verify(Path dir) throws Exception {
        Process p =
                new ProcessBuilder(
                                "sh",
                                "-c",
                                "ssh-keygen -Y verify -f allowed_signers -I builder"
                                        + " -n build@crateforge.dev -s build.sig < statement")
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        System.out.println("ssh-keygen: " + output.strip());
        return p.exitValue();
    }

    private static boolean sshKeygenPresent() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "ssh-keygen"))) {
                return true;
            }
        }
        System.err.println(
                "WARNING: ssh-keygen not found on PATH: the provenance check is SKIPPED");
        return false;
    }
}
