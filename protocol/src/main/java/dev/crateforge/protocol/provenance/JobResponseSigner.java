package dev.crateforge.protocol.provenance;

import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.InternalParameters;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns how an attempt ended into its signed {@code job_response}: the canonical {@link
 * BuildStatement} signed as SSHSIG in {@link BuilderProtocol#BUILD_NAMESPACE} (what {@code
 * ssh-keygen -Y verify} checks later) and, for a success, the SLSA provenance in a DSSE envelope
 * signed with the same key. It lives in the contract because every builder (the reference builder
 * and the test builders) must sign exactly the bytes the gateway and the scheduler verify.
 */
public final class JobResponseSigner {

    private JobResponseSigner() {}

    /**
     * The signed response to {@code job}.
     *
     * @param internalParameters the builder's toolchain, sandbox and limits; asked only for a
     *     success, the one case that carries provenance
     * @throws SshFormatException if the key cannot sign
     */
    public static JobResponse sign(
            SshPrivateKey key,
            JobAssignment job,
            JobResult result,
            String failureReason,
            FailureCode failureCode,
            List<ArtifactDigest> artifacts,
            Supplier<InternalParameters> internalParameters,
            Instant startedOn,
            Instant finishedOn)
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
                        result,
                        artifacts);
        String signature =
                key.sign(BuilderProtocol.BUILD_NAMESPACE, statement.signedBytes()).armored();
        DsseEnvelope provenance =
                result == JobResult.SUCCEEDED
                        ? ProvenanceEnvelopes.sign(
                                key,
                                ProvenanceEnvelopes.statement(
                                        BuildFacts.of(job, artifacts),
                                        key.publicKey(),
                                        internalParameters.get(),
                                        startedOn,
                                        finishedOn))
                        : null;
        return new JobResponse(
                job.jobId(),
                job.attempt(),
                result,
                failureReason,
                failureCode,
                statement.artifacts(),
                statement.render(),
                signature,
                provenance);
    }
}
