package dev.crateforge.protocol.provenance;

import static dev.crateforge.protocol.provenance.ProvenanceFixtures.BUILD;
import static dev.crateforge.protocol.provenance.ProvenanceFixtures.envelope;
import static dev.crateforge.protocol.provenance.ProvenanceFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.json.ProtocolJson;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.message.MessageCodec;
import dev.crateforge.protocol.ssh.RawSignatures;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProvenanceEnvelopesTests {

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa2048"})
    void aSignedEnvelopeOpensWithTheSignersKeyAndDescribesTheBuild(String name) throws Exception {
        SshPrivateKey key = key(name);

        BuildProvenanceStatement opened = ProvenanceEnvelopes.open(envelope(key), key.publicKey());

        assertThat(opened).isEqualTo(ProvenanceFixtures.statement(key));
        assertThat(ProvenanceEnvelopes.mismatch(opened, BUILD, key.publicKey())).isEmpty();
    }

    @Test
    void ed25519SignaturesAreRaw64BytesAndEcdsaSignaturesAreDer() {
        byte[] ed = signature(envelope(key("ed25519")));
        byte[] ec = signature(envelope(key("ecdsa256")));

        assertThat(ed).hasSize(64);
        assertThat(ec[0]).isEqualTo((byte) 0x30); // DER SEQUENCE
        assertThat(ec[1] & 0xff).isEqualTo(ec.length - 2);
    }

    @Test
    void theSignatureCoversThePaeOfTheDecodedPayload() {
        SshPrivateKey key = key("ecdsa256");
        DsseEnvelope envelope = envelope(key);
        byte[] payload = Base64.getDecoder().decode(envelope.payload());

        assertThat(
                        RawSignatures.verify(
                                key.publicKey(),
                                Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload),
                                signature(envelope)))
                .isTrue();
        assertThat(RawSignatures.verify(key.publicKey(), payload, signature(envelope))).isFalse();
        assertThat(envelope.signatures().get(0).keyid())
                .isEqualTo(RawSignatures.keyId(key.publicKey()))
                .hasSize(64);
    }

    @Test
    void theStatementHasTheSpecifiedShape() throws Exception {
        SshPrivateKey key = key("ed25519");
        JsonNode json =
                ProtocolJson.mapper().readTree(Base64.getDecoder().decode(envelope(key).payload()));

        assertThat(json.get("_type").asText()).isEqualTo("https://in-toto.io/Statement/v1");
        assertThat(json.get("predicateType").asText()).isEqualTo("https://slsa.dev/provenance/v1");
        assertThat(json.at("/subject/0/name").asText())
                .isEqualTo("ripgrep-14.1.0-x86_64-unknown-linux-gnu.tgz");
        assertThat(json.at("/subject/0/digest/sha256").asText()).isEqualTo("b".repeat(64));
        JsonNode definition = json.at("/predicate/buildDefinition");
        assertThat(definition.at("/externalParameters/source/sha256").asText())
                .isEqualTo("a".repeat(64));
        assertThat(definition.at("/internalParameters/toolchain/rustc").asText())
                .startsWith("rustc 1.83.0");
        assertThat(definition.at("/resolvedDependencies/0/uri").asText())
                .isEqualTo(BUILD.sourceUrl());
        JsonNode run = json.at("/predicate/runDetails");
        assertThat(run.at("/builder/id").asText())
                .isEqualTo(
                        "https://crateforge.dev/builders/" + RawSignatures.keyId(key.publicKey()));
        assertThat(run.at("/metadata/invocationId").asText()).isEqualTo(BUILD.jobId() + "/2");
        assertThat(run.at("/metadata/startedOn").asText()).isEqualTo("2026-12-05T10:00:00Z");
    }

    @Test
    void aTamperedPayloadDoesNotVerify() {
        SshPrivateKey key = key("ed25519");
        DsseEnvelope good = envelope(key);
        String json =
                new String(Base64.getDecoder().decode(good.payload()), StandardCharsets.UTF_8)
                        .replace("b".repeat(64), "c".repeat(64));
        DsseEnvelope tampered =
                new DsseEnvelope(
                        good.payloadType(),
                        Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)),
                        good.signatures());

        assertThatThrownBy(() -> ProvenanceEnvelopes.open(tampered, key.publicKey()))
                .isInstanceOf(ProvenanceException.class)
                .hasMessage("no signature verifies with the builder's registered key");
    }

    @Test
    void anotherKeysSignatureDoesNotVerify() {
        DsseEnvelope envelope = envelope(key("ecdsa256"));

        assertThatThrownBy(() -> ProvenanceEnvelopes.open(envelope, key("ed25519").publicKey()))
                .hasMessage("no signature verifies with the builder's registered key");
    }

    @Test
    void anotherPayloadTypeIsRefusedBeforeAnyCrypto() {
        SshPrivateKey key = key("ed25519");
        DsseEnvelope good = envelope(key);
        DsseEnvelope other =
                new DsseEnvelope("application/json", good.payload(), good.signatures());

        assertThatThrownBy(() -> ProvenanceEnvelopes.open(other, key.publicKey()))
                .hasMessage("payloadType is not application/vnd.in-toto+json");
    }

    @Test
    void badBase64IsNamed() {
        SshPrivateKey key = key("ed25519");
        DsseEnvelope good = envelope(key);

        assertThatThrownBy(
                        () ->
                                ProvenanceEnvelopes.open(
                                        new DsseEnvelope(
                                                good.payloadType(), "%%%", good.signatures()),
                                        key.publicKey()))
                .hasMessage("payload is not valid base64");
        assertThatThrownBy(
                        () ->
                                ProvenanceEnvelopes.open(
                                        new DsseEnvelope(
                                                good.payloadType(),
                                                good.payload(),
                                                List.of(new DsseEnvelope.Signature("k", "!!"))),
                                        key.publicKey()))
                .hasMessage("signature is not valid base64");
    }

    @Test
    void aSignedPayloadThatIsNotAStatementIsNamed() {
        SshPrivateKey key = key("ed25519");
        byte[] payload = "{\"_type\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        byte[] sig = RawSignatures.sign(key, Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload));
        DsseEnvelope envelope =
                new DsseEnvelope(
                        Dsse.IN_TOTO_PAYLOAD_TYPE,
                        Base64.getEncoder().encodeToString(payload),
                        List.of(
                                new DsseEnvelope.Signature(
                                        "", Base64.getEncoder().encodeToString(sig))));

        assertThatThrownBy(() -> ProvenanceEnvelopes.open(envelope, key.publicKey()))
                .hasMessageStartingWith("payload is not a build statement: ");
    }

    @Test
    void aStatementAboutAnotherBuildIsNamedByItsField() throws Exception {
        SshPrivateKey key = key("ed25519");
        BuildProvenanceStatement statement = ProvenanceFixtures.statement(key);

        assertThat(mismatch(statement, withCrate("fd"), key))
                .contains("field 'crate' differs from the job");
        assertThat(mismatch(statement, withArtifact("d".repeat(64)), key))
                .contains("field 'subject' differs from the job");
        assertThat(mismatch(statement, withJob(UUID.randomUUID()), key))
                .contains("field 'invocationId' differs from the job");
        assertThat(mismatch(statement, BUILD, key("ecdsa256")))
                .contains("field 'builder.id' differs from the job");
    }

    @Test
    void anEnvelopeWithAnUnknownFieldOrNoSignatureIsMalformed() throws Exception {
        ObjectNode json = (ObjectNode) ProtocolJson.mapper().valueToTree(envelope(key("ed25519")));
        ObjectNode extra = json.deepCopy().put("surprise", 1);
        ObjectNode unsigned = json.deepCopy();
        unsigned.putArray("signatures");

        assertThatThrownBy(() -> ProtocolJson.decode(extra.toString(), DsseEnvelope.class))
                .isInstanceOf(ProtocolDecodeException.class);
        assertThatThrownBy(() -> ProtocolJson.decode(unsigned.toString(), DsseEnvelope.class))
                .isInstanceOf(ProtocolDecodeException.class)
                .hasMessageContaining("signatures");
    }

    @Test
    void aJobResponseWithoutProvenanceStillDecodesAndOneWithItRoundTrips() throws Exception {
        String old =
                "{\"type\":\"job_response\",\"jobId\":\""
                        + BUILD.jobId()
                        + "\",\"attempt\":2,\"result\":\"succeeded\",\"artifacts\":[],"
                        + "\"statement\":\"s\",\"signature\":\"s\"}";
        JobResponse decoded = (JobResponse) MessageCodec.decodeClientMessage(old);
        assertThat(decoded.provenance()).isNull();

        JobResponse with =
                new JobResponse(
                        BUILD.jobId(),
                        2,
                        JobResult.SUCCEEDED,
                        null,
                        null,
                        BUILD.artifacts(),
                        "s",
                        "s",
                        envelope(key("ed25519")));
        assertThat(MessageCodec.decodeClientMessage(MessageCodec.encode(with))).isEqualTo(with);
    }

    @Test
    void aFailedJobResponseCannotCarryProvenance() {
        assertThatThrownBy(
                        () ->
                                new JobResponse(
                                        BUILD.jobId(),
                                        2,
                                        JobResult.FAILED,
                                        "broken",
                                        null,
                                        List.of(),
                                        "s",
                                        "s",
                                        envelope(key("ed25519"))))
                .hasMessage("field 'provenance' is only for a succeeded result");
    }

    private static java.util.Optional<String> mismatch(
            BuildProvenanceStatement statement, BuildFacts build, SshPrivateKey key) {
        return ProvenanceEnvelopes.mismatch(statement, build, key.publicKey());
    }

    private static BuildFacts withCrate(String crate) {
        return new BuildFacts(
                BUILD.jobId(),
                BUILD.attempt(),
                crate,
                BUILD.version(),
                BUILD.target(),
                BUILD.kind(),
                BUILD.sourceUrl(),
                BUILD.sourceSha256(),
                BUILD.artifacts());
    }

    private static BuildFacts withJob(UUID job) {
        return new BuildFacts(
                job,
                BUILD.attempt(),
                BUILD.crate(),
                BUILD.version(),
                BUILD.target(),
                BUILD.kind(),
                BUILD.sourceUrl(),
                BUILD.sourceSha256(),
                BUILD.artifacts());
    }

    private static BuildFacts withArtifact(String sha256) {
        return new BuildFacts(
                BUILD.jobId(),
                BUILD.attempt(),
                BUILD.crate(),
                BUILD.version(),
                BUILD.target(),
                BUILD.kind(),
                BUILD.sourceUrl(),
                BUILD.sourceSha256(),
                List.of(new ArtifactDigest(ArtifactKind.BINARY, sha256, 1L)));
    }

    private static byte[] signature(DsseEnvelope envelope) {
        return Base64.getDecoder().decode(envelope.signatures().get(0).sig());
    }
}
