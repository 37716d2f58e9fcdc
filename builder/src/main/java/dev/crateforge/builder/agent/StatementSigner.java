package dev.crateforge.builder.agent;

import dev.crateforge.builder.job.JobOutcome;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPrivateKey;

/**
 * Turns a finished attempt into its {@code job_response}: renders the canonical {@link
 * BuildStatement} and signs exactly those bytes as SSHSIG in {@link
 * BuilderProtocol#BUILD_NAMESPACE}, so that anyone can later check the provenance with {@code
 * ssh-keygen -Y verify}.
 */
public final class StatementSigner {

    private final SshPrivateKey key;

    public StatementSigner(SshPrivateKey key) {
        this.key = key;
    }

    public JobResponse respond(JobAssignment job, JobOutcome outcome) throws SshFormatException {
        BuildStatement statement =
                new BuildStatement(
                        job.jobId(),
                        job.attempt(),
                        key.publicKey().fingerprint(),
                        job.crate(),
                        job.version(),
                        job.target(),
                        job.kind(),
                        job.sourceSha256(),
                        outcome.result(),
                        outcome.artifacts());
        String text = statement.render();
        String signature =
                key.sign(BuilderProtocol.BUILD_NAMESPACE, statement.signedBytes()).armored();
        return new JobResponse(
                job.jobId(),
                job.attempt(),
                outcome.result(),
                outcome.failureReason(),
                outcome.failureCode(),
                statement.artifacts(),
                text,
                signature);
    }
}
