package dev.crateforge.builder.job;

import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.contract.TextLimits;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.JobResult;
import java.util.List;

/**
 * How a job attempt ended on this builder, before it is signed and reported.
 *
 * @param failureReason why it failed, for people; null when it succeeded
 * @param failureCode why it failed, for programs (whose fault); null when it succeeded
 * @param artifacts what was uploaded; empty when it failed
 */
public record JobOutcome(
        JobResult result,
        String failureReason,
        FailureCode failureCode,
        List<ArtifactDigest> artifacts) {

    /** The protocol's limit of {@code failureReason} is 4096 bytes of UTF-8; leave room. */
    private static final int MAX_REASON_BYTES = 4000;

    public JobOutcome {
        artifacts = List.copyOf(artifacts);
        if ((result == JobResult.FAILED) != (failureCode != null)) {
            throw new IllegalArgumentException("a failure code goes with a failed result only");
        }
    }

    public static JobOutcome succeeded(List<ArtifactDigest> artifacts) {
        return new JobOutcome(JobResult.SUCCEEDED, null, null, artifacts);
    }

    public static JobOutcome failed(FailureCode code, String reason) {
        String clipped =
                TextLimits.utf8Length(reason) > MAX_REASON_BYTES
                        ? TextLimits.cutUtf8(reason, MAX_REASON_BYTES) + "…"
                        : reason;
        return new JobOutcome(JobResult.FAILED, clipped, code, List.of());
    }

    /** The outcome a {@link JobFailure} stands for. */
    public static JobOutcome failed(JobFailure failure) {
        return failed(failure.code(), failure.getMessage());
    }
}
