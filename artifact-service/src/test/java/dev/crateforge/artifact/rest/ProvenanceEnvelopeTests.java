package dev.crateforge.artifact.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestBuilds;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.TestProblems;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.json.ProtocolJson;
import dev.crateforge.protocol.provenance.DsseEnvelope;
import dev.crateforge.protocol.provenance.ProvenanceEnvelopes;
import dev.crateforge.protocol.ssh.SshPublicKey;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SLSA provenance (a DSSE envelope) served beside the SSHSIG statement, with the builder's key
 * in the forms securesystemslib and OpenSSL read; and verified as a user would, with Debian's
 * securesystemslib, where it is installed.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class ProvenanceEnvelopeTests {

    /** The script docs/operations.md shows, kept with the protocol's interop test. */
    private static final Path VERIFY_SCRIPT =
            Path.of("../protocol/src/test/resources/provenance/verify_dsse.py");

    @Inject ArtifactCatalog catalog;

    private TestJobs succeeded(boolean withEnvelope) {
        return TestBuilds.succeeded(
                catalog,
                TestBuilds.newCrate("pv"),
                "1.0.0",
                ArtifactKind.BINARY,
                TestArtifacts.binary(2_000),
                withEnvelope);
    }

    @Test
    void theEnvelopeIsServedAsOneJsonLineThatOpensWithTheServedKey(@TempDir Path dir)
            throws Exception {
        TestJobs job = succeeded(true);
        String base = "/api/v1/jobs/" + job.jobId + "/provenance";

        String jsonl =
                given().get(base + "/intoto.jsonl")
                        .then()
                        .statusCode(200)
                        .contentType("application/jsonl")
                        .header(
                                "Content-Disposition",
                                "attachment; filename=\"provenance.intoto.jsonl\"")
                        .extract()
                        .asString();
        assertThat(jsonl).endsWith("\n").doesNotContain("\n\n");
        assertThat(jsonl.strip()).doesNotContain("\n");
        DsseEnvelope envelope = ProtocolJson.decode(jsonl.strip(), DsseEnvelope.class);
        String pem = given().get(base + "/builder.pem").then().statusCode(200).extract().asString();
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n");
        String keyLine =
                given().get(base).then().statusCode(200).extract().path("builderPublicKey");
        ProvenanceEnvelopes.open(envelope, SshPublicKey.parse(keyLine));
        given().get(base)
                .then()
                .body("envelope.payloadType", equalTo("application/vnd.in-toto+json"))
                .body("builderKey.keyid", equalTo(envelope.signatures().get(0).keyid()))
                .body("builderKey.scheme", equalTo("ed25519"));

        Path envelopeFile = dir.resolve("provenance.intoto.jsonl");
        Path keyFile = dir.resolve("builder-key.json");
        Files.writeString(envelopeFile, jsonl);
        Files.writeString(
                keyFile, given().get(base + "/builder-key.json").then().extract().asString());
        verifyAsAUser(envelopeFile, keyFile)
                .ifPresent(
                        out ->
                                assertThat(out)
                                        .contains(
                                                job.crate + "-1.0.0-" + TestJobs.TARGET + ".tgz"));
    }

    @Test
    void theEnvelopeBesideTheArchiveIsTheJobsOneAndVerifies(@TempDir Path dir) throws Exception {
        String crate = TestBuilds.newCrate("pv");
        byte[] archive = TestArtifacts.binary(3_000);
        TestJobs job =
                TestBuilds.succeeded(catalog, crate, "1.0.0", ArtifactKind.BINARY, archive, true);
        String archiveName = crate + "-1.0.0-" + TestJobs.TARGET + ".tgz";
        String beside = "/dl/crates-io/" + crate + "/1.0.0/" + archiveName;
        String byCrate = "/api/v1/crates/" + crate + "/1.0.0/" + TestJobs.TARGET + "/binary";
        String byJob = "/api/v1/jobs/" + job.jobId + "/provenance";

        ExtractableResponse<Response> envelope =
                given().get(beside + ".intoto.jsonl")
                        .then()
                        .statusCode(200)
                        .contentType("application/jsonl")
                        .header(
                                "Content-Disposition",
                                "attachment; filename=\"" + archiveName + ".intoto.jsonl\"")
                        .header("Cache-Control", "public, max-age=60")
                        .header("X-Content-Type-Options", "nosniff")
                        .extract();
        byte[] jsonl = envelope.asByteArray();
        byte[] jobsEnvelope = given().get(byJob + "/intoto.jsonl").asByteArray();
        assertThat(jsonl).isEqualTo(jobsEnvelope);
        assertThat(
                        given().get(byCrate + "/provenance/intoto.jsonl")
                                .then()
                                .statusCode(200)
                                .extract()
                                .asByteArray())
                .isEqualTo(jobsEnvelope);
        String etag = '"' + TestJobs.sha256(jsonl) + '"';
        assertThat(envelope.header("ETag")).isEqualTo(etag);
        given().header("If-None-Match", etag)
                .get(beside + ".intoto.jsonl")
                .then()
                .statusCode(304)
                .header("ETag", etag)
                .header("Cache-Control", "public, max-age=60");
        given().head(beside + ".intoto.jsonl")
                .then()
                .statusCode(200)
                .header("Content-Length", String.valueOf(jsonl.length))
                .header("ETag", etag);
        given().header("If-None-Match", etag)
                .get(byCrate + "/provenance/intoto.jsonl")
                .then()
                .statusCode(304);

        // The other provenance files beside the archive are the job's, byte for byte.
        for (String[] file :
                List.of(
                        new String[] {".builder-key.json", "/builder-key.json"},
                        new String[] {".builder.pem", "/builder.pem"},
                        new String[] {".statement", "/statement"},
                        new String[] {".statement.sig", "/signature"},
                        new String[] {".allowed_signers", "/allowed_signers"})) {
            byte[] jobs =
                    given().get(byJob + file[1]).then().statusCode(200).extract().asByteArray();
            assertThat(given().get(beside + file[0]).then().statusCode(200).extract().asByteArray())
                    .as(file[0])
                    .isEqualTo(jobs);
            assertThat(given().get(byCrate + "/provenance" + file[1]).asByteArray())
                    .as(file[1])
                    .isEqualTo(jobs);
        }

        // The index links the envelope and the keys of the build.
        JsonPath index = given().get("/dl/crates-io/" + crate + "/index.json").jsonPath();
        String links = "versions[0].artifacts[0].provenance.";
        assertThat(index.getString(links + "envelope")).isEqualTo(byJob + "/intoto.jsonl");
        assertThat(index.getString(links + "builderKey")).isEqualTo(byJob + "/builder-key.json");
        assertThat(index.getString(links + "builderPem")).isEqualTo(byJob + "/builder.pem");
        assertThat(given().get(index.getString(links + "envelope")).asByteArray()).isEqualTo(jsonl);

        // As docs/artifact.md tells a user: the archive, the envelope and the key from the crate
        // path; the envelope verifies with the key, and its subject is the archive's SHA-256.
        byte[] downloaded = given().get(beside).then().statusCode(200).extract().asByteArray();
        assertThat(downloaded).isEqualTo(archive);
        JsonNode statement =
                ProtocolJson.mapper()
                        .readTree(
                                Base64.getDecoder()
                                        .decode(
                                                ProtocolJson.decode(
                                                                new String(
                                                                                jsonl,
                                                                                StandardCharsets
                                                                                        .UTF_8)
                                                                        .strip(),
                                                                DsseEnvelope.class)
                                                        .payload()));
        assertThat(statement.at("/subject/0/name").asText()).isEqualTo(archiveName);
        assertThat(statement.at("/subject/0/digest/sha256").asText())
                .isEqualTo(TestJobs.sha256(downloaded));
        Path envelopeFile = dir.resolve(archiveName + ".intoto.jsonl");
        Path keyFile = dir.resolve(archiveName + ".builder-key.json");
        Files.write(envelopeFile, jsonl);
        Files.write(keyFile, given().get(beside + ".builder-key.json").asByteArray());
        verifyAsAUser(envelopeFile, keyFile)
                .ifPresent(out -> assertThat(out).contains("verified").contains(archiveName));
        // A changed payload must not verify ("eyJ" is the base64 of the statement's opening '{"').
        String changed =
                new String(jsonl, StandardCharsets.UTF_8)
                        .replace("\"payload\":\"eyJ", "\"payload\":\"eyI");
        assertThat(changed.getBytes(StandardCharsets.UTF_8)).isNotEqualTo(jsonl);
        Files.writeString(envelopeFile, changed);
        verifyAsAUser(envelopeFile, keyFile, 1)
                .ifPresent(out -> assertThat(out).contains("not verified"));
    }

    @Test
    void aBuildWithoutAnEnvelopeKeepsItsSshsigProvenanceAndAnswers404ForTheEnvelope() {
        TestJobs job = succeeded(false);
        String base = "/api/v1/jobs/" + job.jobId + "/provenance";

        given().get(base).then().statusCode(200).body("envelope", nullValue());
        given().get(base + "/statement").then().statusCode(200);
        given().get("/api/v1/jobs/" + UUID.randomUUID() + "/provenance/intoto.jsonl")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");

        String beside =
                "/dl/crates-io/" + job.crate + "/1.0.0/" + job.crate + "-1.0.0-" + TestJobs.TARGET;
        String noEnvelope = " has no SLSA provenance: its builder sent no DSSE envelope";
        String ofCrate = job.crate + " 1.0.0 for " + TestJobs.TARGET + " (job " + job.jobId + ")";
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(base + "/intoto.jsonl", "job " + job.jobId + noEnvelope);
        expected.put(beside + ".tgz.intoto.jsonl", ofCrate + noEnvelope);
        expected.put(
                "/api/v1/crates/"
                        + job.crate
                        + "/1.0.0/"
                        + TestJobs.TARGET
                        + "/binary/provenance/intoto.jsonl",
                ofCrate + noEnvelope);
        expected.put(
                base + "/intoto.json",
                "there is no provenance file 'intoto.json': the files are statement, signature,"
                        + " allowed_signers, intoto.jsonl, builder-key.json, builder.pem");
        expected.forEach(
                (path, detail) -> TestProblems.get(path, 404).body("detail", equalTo(detail)));
        given().get(beside + ".tgz.statement").then().statusCode(200);
        given().get("/dl/crates-io/" + job.crate + "/index.json")
                .then()
                .statusCode(200)
                .body("versions[0].artifacts[0].provenance.envelope", nullValue())
                .body(
                        "versions[0].artifacts[0].provenance.statement",
                        equalTo("/api/v1/jobs/" + job.jobId + "/provenance/statement"));
    }

    /**
     * Runs the script of docs/operations.md with Debian's securesystemslib and expects exit 0;
     * returns its output, or empty (with a warning) where {@code /usr/bin/python3} lacks it.
     */
    private static Optional<String> verifyAsAUser(Path envelope, Path key) throws Exception {
        return verifyAsAUser(envelope, key, 0);
    }

    private static Optional<String> verifyAsAUser(Path envelope, Path key, int exitCode)
            throws Exception {
        if (!Files.exists(VERIFY_SCRIPT) || !hasSecuresystemslib()) {
            System.err.println(
                    "WARNING: no /usr/bin/python3 with securesystemslib: SKIPPING the user's"
                            + " verification of the served envelope");
            return Optional.empty();
        }
        Process p =
                new ProcessBuilder(
                                "/usr/bin/python3",
                                VERIFY_SCRIPT.toString(),
                                envelope.toString(),
                                key.toString())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(exitCode);
        return Optional.of(out);
    }

    private static boolean hasSecuresystemslib() throws Exception {
        try {
            Process p =
                    new ProcessBuilder("/usr/bin/python3", "-c", "import securesystemslib.signer")
                            .redirectErrorStream(true)
                            .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
