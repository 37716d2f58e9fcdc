package dev.crateforge.artifact.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestBuilds;
import dev.crateforge.artifact.TestJobs;
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
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

        if (!Files.exists(VERIFY_SCRIPT) || !hasSecuresystemslib()) {
            System.err.println(
                    "WARNING: no /usr/bin/python3 with securesystemslib: SKIPPING the user's"
                            + " verification of the served envelope");
            return;
        }
        Path envelopeFile = dir.resolve("provenance.intoto.jsonl");
        Path keyFile = dir.resolve("builder-key.json");
        Files.writeString(envelopeFile, jsonl);
        Files.writeString(
                keyFile, given().get(base + "/builder-key.json").then().extract().asString());
        Process p =
                new ProcessBuilder(
                                "/usr/bin/python3",
                                VERIFY_SCRIPT.toString(),
                                envelopeFile.toString(),
                                keyFile.toString())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains(job.crate + "-1.0.0-" + TestJobs.TARGET + ".tgz");
    }

    @Test
    void aBuildWithoutAnEnvelopeKeepsItsSshsigProvenanceAndAnswers404ForTheEnvelope() {
        TestJobs job = succeeded(false);
        String base = "/api/v1/jobs/" + job.jobId + "/provenance";

        given().get(base).then().statusCode(200).body("envelope", nullValue());
        given().get(base + "/statement").then().statusCode(200);
        given().get(base + "/intoto.jsonl")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo(
                                "job "
                                        + job.jobId
                                        + " has no SLSA provenance: its builder sent no DSSE"
                                        + " envelope"));
        given().get("/api/v1/jobs/" + UUID.randomUUID() + "/provenance/intoto.jsonl")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
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
