package dev.crateforge.builder.job;

import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.JobResult;
import java.util.List;

/**
 * How a job attempt ended on this builder, before it is signed and reported.
 *
 * @param failureReason why it failed; null when it succeeded
 * @param artifacts what was uploaded; empty when it failed
 */
public record JobOutcome(JobResult result, String failureReason, List<ArtifactDigest> artifacts) {

    public JobOutcome {
        artifacts = List.copyOf(artifacts);
    }

    public static JobOutcome succeeded(List<ArtifactDigest> artifacts) {
        return new JobOutcome(JobResult.SUCCEEDED, null, artifacts);
    }

    public static JobOutcome failed(String reason) {
        String clipped = reason.length() > 4000 ? reason.substring(0, 4000) + "…" : reason;
        return new JobOutcome(JobResult.FAILED, clipped, List.of());
    }
}
