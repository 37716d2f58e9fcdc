package dev.crateforge.builder.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.builder.job.JobOutcome;
import dev.crateforge.builder.support.TestKeys;
import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.provenance.BuildFacts;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.InternalParameters;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.Toolchain;
import dev.crateforge.protocol.provenance.ProvenanceEnvelopes;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import dev.crateforge.protocol.ssh.SshSignature;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StatementSignerTests {

    private static final String SOURCE_SHA = "ab".repeat(32);
    private static final String ARTIFACT_SHA = "cd".repeat(32);

    private static final Instant STARTED = Instant.parse("2026-12-05T10:00:00Z");
    private static final Instant FINISHED = Instant.parse("2026-12-05T10:01:00.250Z");
    private static final InternalParameters INTERNAL =
            new InternalParameters(
                    new Toolchain("rustc 1.83.0\n", "cargo 1.83.0\n"),
                    "none",
                    false,
                    Map.of("maxJobSeconds", 7200L));

    private final SshPrivateKey key = TestKeys.builderKey();

    @Test
    void signsTheCanonicalStatementInTheBuildNamespace() throws Exception {
        JobAssignment job = job();
        ArtifactDigest digest = new ArtifactDigest(ArtifactKind.BINARY, ARTIFACT_SHA, 1234L);

        JobResponse response =
                signer().respond(job, JobOutcome.succeeded(List.of(digest)), STARTED, FINISHED);

        BuildStatement statement = BuildStatement.parse(response.statement());
        assertThat(statement.jobId()).isEqualTo(job.jobId());
        assertThat(statement.builderFingerprint()).isEqualTo(key.publicKey().fingerprint());
        assertThat(statement.result()).isEqualTo(JobResult.SUCCEEDED);
        assertThat(response.statement())
                .endsWith("artifact: binary sha256:" + ARTIFACT_SHA + " size:1234\n");
        assertThat(response.artifacts()).containsExactly(digest);
        SshSignature signature = SshSignature.parse(response.signature());
        byte[] signed = response.statement().getBytes(StandardCharsets.UTF_8);
        assertThat(signature.verify(key.publicKey(), BuilderProtocol.BUILD_NAMESPACE, signed))
                .isTrue();
        assertThat(signature.verify(key.publicKey(), BuilderProtocol.AUTH_NAMESPACE, signed))
                .isFalse();
    }

    @Test
    void signsAFailureWithItsReasonItsCodeAndNoArtifacts() throws Exception {
        JobResponse response =
                signer().respond(
                                job(),
                                JobOutcome.failed(FailureCode.COMPILE_ERROR, "cargo build failed"),
                                STARTED,
                                FINISHED);

        assertThat(response.result()).isEqualTo(JobResult.FAILED);
        assertThat(response.failureReason()).isEqualTo("cargo build failed");
        assertThat(response.failureCode()).isEqualTo(FailureCode.COMPILE_ERROR);
        assertThat(response.artifacts()).isEmpty();
        assertThat(response.provenance()).as("a failure has no artifacts to attest").isNull();
        assertThat(response.statement()).endsWith("result: failed\n");
        assertThat(
                        SshSignature.parse(response.signature())
                                .verify(
                                        key.publicKey(),
                                        BuilderProtocol.BUILD_NAMESPACE,
                                        response.statement().getBytes(StandardCharsets.UTF_8)))
                .isTrue();
    }

    @Test
    void aSuccessCarriesSlsaProvenanceSignedWithTheSameKeyAboutTheSameBuild() throws Exception {
        JobAssignment job = job();
        ArtifactDigest digest = new ArtifactDigest(ArtifactKind.BINARY, ARTIFACT_SHA, 1234L);

        JobResponse response =
                signer().respond(job, JobOutcome.succeeded(List.of(digest)), STARTED, FINISHED);

        BuildProvenanceStatement statement =
                ProvenanceEnvelopes.open(response.provenance(), key.publicKey());
        BuildFacts facts = BuildFacts.of(job, List.of(digest));
        assertThat(ProvenanceEnvelopes.mismatch(statement, facts, key.publicKey())).isEmpty();
        assertThat(statement.predicate().buildDefinition().internalParameters())
                .isEqualTo(INTERNAL);
        assertThat(statement.predicate().runDetails().metadata().startedOn()).isEqualTo(STARTED);
        assertThat(statement.predicate().runDetails().metadata().finishedOn()).isEqualTo(FINISHED);
    }

    private StatementSigner signer() {
        return new StatementSigner(key, job -> INTERNAL);
    }

    private static JobAssignment job() {
        return new JobAssignment(
                UUID.randomUUID(),
                2,
                "hello-world",
                "1.0.0",
                "https://crates.example/hello-world-1.0.0.crate",
                SOURCE_SHA,
                "x86_64-unknown-linux-gnu",
                ArtifactKind.BINARY,
                "https://artifacts.example/upload",
                "token",
                600,
                null);
    }
}
