package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.protocol.job.JobState;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What {@link JobLifecycle} knows of a job: the lifecycle facts of its row, copied, immutable. The
 * timestamps are null when they do not apply (no lease while queued, no disconnect pending, no
 * completion waiting for its artifacts).
 *
 * @param builderId the builder that holds (or last held) the attempt; null when none ever did
 * @param connectionId the connection the live attempt was assigned through
 * @param notBefore a queued job may not be claimed before this (backoff)
 * @param completionSeenAt when the live attempt's success was reported; its artifacts are awaited
 */
public record JobFacts(
        UUID id,
        JobState state,
        int attempt,
        int maxAttempts,
        int infrastructureRetries,
        UUID builderId,
        String connectionId,
        Instant notBefore,
        Instant leaseExpiresAt,
        Instant disconnectedAt,
        Instant completionSeenAt) {

    public JobFacts {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
    }

    /**
     * The facts a builder event needs (who holds which attempt), for the paths that read only those
     * columns.
     */
    public static JobFacts holder(UUID id, JobState state, int attempt, UUID builderId) {
        return new JobFacts(
                id, state, attempt, attempt, 0, builderId, null, null, null, null, null);
    }

    /** True when a completion of the live attempt waits for its artifact records. */
    public boolean completionPending() {
        return completionSeenAt != null;
    }

    /** Whether a record of {@code attempt} sent by {@code builder} comes from the live attempt. */
    public boolean heldBy(int attempt, UUID builder) {
        return state.isActive() && this.attempt == attempt && Objects.equals(builderId, builder);
    }
}
