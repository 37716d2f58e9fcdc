package dev.crateforge.protocol.message;

import static dev.crateforge.protocol.json.Fields.list;
import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.optionalText;
import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.provenance.DsseEnvelope;
import java.util.List;
import java.util.UUID;

/**
 * The end of a job attempt: its result, the artifacts uploaded, and the signed build statement.
 *
 * @param failureReason why the attempt failed, for people; absent when it succeeded
 * @param failureCode why the attempt failed, for programs; absent when it succeeded, and read as
 *     {@link FailureCode#BUILD_FAILED} when a failed response names none
 * @param statement the exact text of the {@link BuildStatement}, which must agree with the other
 *     fields
 * @param signature armored SSHSIG over the UTF-8 bytes of {@code statement} in the namespace {@link
 *     BuilderProtocol#BUILD_NAMESPACE}
 * @param provenance optional: the SLSA provenance of a succeeded attempt, an in-toto statement in a
 *     DSSE envelope signed with the builder's key; absent from builders that predate it and from
 *     failed attempts
 */
public record JobResponse(
        UUID jobId,
        Integer attempt,
        JobResult result,
        String failureReason,
        FailureCode failureCode,
        List<ArtifactDigest> artifacts,
        String statement,
        String signature,
        DsseEnvelope provenance)
        implements ClientMessage {

    /** A response without SLSA provenance, as builders that predate it send. */
    public JobResponse(
            UUID jobId,
            Integer attempt,
            JobResult result,
            String failureReason,
            FailureCode failureCode,
            List<ArtifactDigest> artifacts,
            String statement,
            String signature) {
        this(
                jobId,
                attempt,
                result,
                failureReason,
                failureCode,
                artifacts,
                statement,
                signature,
                null);
    }

    public JobResponse {
        required(jobId, "jobId");
        range(attempt, "attempt", 1, 1000);
        required(result, "result");
        optionalText(failureReason, "failureReason", 4096);
        if (result == JobResult.SUCCEEDED && failureCode != null) {
            throw new IllegalArgumentException("field 'failureCode' is only for a failed result");
        }
        artifacts = list(artifacts, "artifacts", 16);
        nonBlank(statement, "statement", BuildStatement.MAX_LENGTH);
        nonBlank(signature, "signature", 8192);
        if (provenance != null && result != JobResult.SUCCEEDED) {
            throw new IllegalArgumentException("field 'provenance' is only for a succeeded result");
        }
    }

    /** The failure code, with {@link FailureCode#BUILD_FAILED} for a failure that names none. */
    public FailureCode effectiveFailureCode() {
        if (result == JobResult.SUCCEEDED) {
            return null;
        }
        return failureCode == null ? FailureCode.BUILD_FAILED : failureCode;
    }
}
