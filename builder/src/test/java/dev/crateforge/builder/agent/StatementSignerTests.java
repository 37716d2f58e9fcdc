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
import dev.crateforge.protocol.ssh.SshPrivateKey;
import dev.crateforge.protocol.ssh.SshSignature;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StatementSignerTests {

    private static final String SOURCE_SHA = "ab".repeat(32);
    private static final String ARTIFACT_SHA = "cd".repeat(32);

    private final SshPrivateKey key = TestKeys.builderKey();

    @Test
    void signsTheCanonicalStatementInTheBuildNamespace() throws Exception {
        JobAssignment job = job();
        ArtifactDigest digest = new ArtifactDigest(ArtifactKind.BINARY, ARTIFACT_SHA, 1234L);

        JobResponse response =
                new StatementSigner(key).respond(job, JobOutcome.succeeded(List.of(digest)));

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
                new StatementSigner(key)
                        .respond(
                                job(),
                                JobOutcome.failed(FailureCode.COMPILE_ERROR, "cargo build failed"));

        assertThat(response.result()).isEqualTo(JobResult.FAILED);
        assertThat(response.failureReason()).isEqualTo("cargo build failed");
        assertThat(response.failureCode()).isEqualTo(FailureCode.COMPILE_ERROR);
        assertThat(response.artifacts()).isEmpty();
        assertThat(response.statement()).endsWith("result: failed\n");
        assertThat(
                        SshSignature.parse(response.signature())
                                .verify(
                                        key.publicKey(),
                                        BuilderProtocol.BUILD_NAMESPACE,
                                        response.statement().getBytes(StandardCharsets.UTF_8)))
                .isTrue();
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
                600);
    }
}
