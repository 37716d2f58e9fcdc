package dev.crateforge.scheduler.api;

import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.Provenance;
import dev.crateforge.protocol.kafka.Reproduction;
import dev.crateforge.scheduler.intake.SourceProxy;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.queue.QueueEstimate;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * A job as the API shows it; {@code provenance} is present once the job succeeded. {@code
 * failureCode} is the {@code FailureCode} of the last failure and {@code fault} whose fault it was
 * ({@code crate}, {@code submission} or {@code infrastructure}); both are null when nothing failed.
 * A queued job may carry them from an attempt that failed for a reason that is not the crate's.
 * {@code queuePosition} (1 is next in its target's queue) and {@code eta} (expected start) are
 * given for a queued job looked at on its own, {@code eta} only when it can be estimated (see
 * docs/scheduler.md, "Queue position and ETA"); lists leave both null.
 */
public record JobView(
        UUID id,
        String crate,
        String version,
        String sourceUrl,
        String sourceSha256,
        String target,
        ArtifactKind kind,
        int priority,
        JobState state,
        int attempt,
        int maxAttempts,
        UUID builderId,
        String stage,
        Instant leaseExpiresAt,
        Instant notBefore,
        String failureReason,
        String failureCode,
        String fault,
        int infrastructureRetries,
        boolean logTruncated,
        Instant createdAt,
        Instant updatedAt,
        Instant assignedAt,
        Instant startedAt,
        Instant finishedAt,
        Provenance provenance,
        Long queuePosition,
        Instant eta,
        Reproduction reproduction,
        Integer replica) {

    public static JobView of(Job job) {
        return of(job, Optional.empty());
    }

    /** The job with where it stands in the queue, when it is queued. */
    public static JobView of(Job job, Optional<QueueEstimate> estimate) {
        return new JobView(
                job.id,
                job.crate,
                job.version,
                SourceProxy.redacted(job.sourceUrl),
                job.sourceSha256,
                job.target,
                job.kind,
                job.priority,
                job.state,
                job.attempt,
                job.maxAttempts,
                job.builderId,
                job.stage,
                job.leaseExpiresAt,
                job.notBefore,
                job.failureReason,
                job.failureCode,
                faultOf(job.failureCode),
                job.infrastructureRetries,
                job.logTruncated,
                job.createdAt,
                job.updatedAt,
                job.assignedAt,
                job.startedAt,
                job.finishedAt,
                job.provenance(),
                estimate.map(QueueEstimate::position).orElse(null),
                estimate.map(QueueEstimate::eta).orElse(null),
                job.reproduction(),
                job.reproductionGroup == null ? null : job.replica);
    }

    private static String faultOf(String failureCode) {
        return failureCode == null
                ? null
                : FailureCode.fromWireName(failureCode)
                        .map(code -> code.fault().name().toLowerCase(Locale.ROOT))
                        .orElse(null);
    }
}
