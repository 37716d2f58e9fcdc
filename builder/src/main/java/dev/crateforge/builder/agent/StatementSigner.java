package dev.crateforge.builder.agent;

import dev.crateforge.builder.job.JobOutcome;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.provenance.BuildFacts;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.InternalParameters;
import dev.crateforge.protocol.provenance.DsseEnvelope;
import dev.crateforge.protocol.provenance.ProvenanceEnvelopes;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.time.Instant;
import java.util.function.Function;

/**
 * Turns a finished attempt into its {@code job_response}: renders the canonical {@link
 * BuildStatement} and signs exactly those bytes as SSHSIG in {@link
 * BuilderProtocol#BUILD_NAMESPACE}, so that anyone can later check the provenance with {@code
 * ssh-keygen -Y verify}; and, for a success, makes the SLSA provenance (an in-toto statement in a
 * DSSE envelope signed with the same key) that supply-chain tools read.
 */
public final class StatementSigner {

    private final SshPrivateKey key;
    private final Function<JobAssignment, InternalParameters> internalParameters;

    /**
     * @param internalParameters the builder's toolchain, sandbox and the job's limits; asked once
     *     per succeeded attempt (the toolchain may be cached, the limits are the job's own)
     */
    public StatementSigner(
            SshPrivateKey key, Function<JobAssignment, InternalParameters> internalParameters) {
        this.key = key;
        this.internalParameters = internalParameters;
    }

    public JobResponse respond(
            JobAssignment job, JobOutcome outcome, Instant startedOn, Instant finishedOn)
            throws SshFormatException {
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
        DsseEnvelope provenance =
                outcome.result() == JobResult.SUCCEEDED
                        ? ProvenanceEnvelopes.sign(
                                key,
                                ProvenanceEnvelopes.statement(
                                        facts(job, outcome),
                                        key.publicKey(),
                                        internalParameters.apply(job),
                                        startedOn,
                                        finishedOn))
                        : null;
        return new JobResponse(
                job.jobId(),
                job.attempt(),
                outcome.result(),
                outcome.failureReason(),
                outcome.failureCode(),
                statement.artifacts(),
                text,
                signature,
                provenance);
    }

    private static BuildFacts facts(JobAssignment job, JobOutcome outcome) {
        return new BuildFacts(
                job.jobId(),
                job.attempt(),
                job.crate(),
                job.version(),
                job.target(),
                job.kind(),
                job.sourceUrl(),
                job.sourceSha256(),
                outcome.artifacts());
    }
}
