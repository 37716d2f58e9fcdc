package dev.crateforge.builder.agent;

import dev.crateforge.builder.job.JobOutcome;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.InternalParameters;
import dev.crateforge.protocol.provenance.JobResponseSigner;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.time.Instant;
import java.util.function.Function;

/**
 * Turns a finished attempt of this builder into its {@code job_response}, signed with the builder's
 * key. The signing itself is the contract's ({@link JobResponseSigner}: the canonical statement as
 * SSHSIG, and SLSA provenance in DSSE for a success); this class adds what only the builder knows,
 * its {@link JobOutcome} and its toolchain and sandbox for the provenance.
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
        return JobResponseSigner.sign(
                key,
                job,
                outcome.result(),
                outcome.failureReason(),
                outcome.failureCode(),
                outcome.artifacts(),
                () -> internalParameters.apply(job),
                startedOn,
                finishedOn);
    }
}
