package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.protocol.contract.FailureCode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Something that happened to a job, for {@link JobLifecycle} to decide on. */
public sealed interface Trigger {

    /** A record a builder sent (through its gateway) about one attempt. */
    sealed interface FromBuilder extends Trigger {
        int attempt();

        UUID builderId();
    }

    /** A waiting request's claim picked the job (carried out in SQL; see {@link JobLifecycle}). */
    record Claimed() implements Trigger {}

    /** A log line, stage change or heartbeat. */
    record EventReceived(int attempt, UUID builderId) implements FromBuilder {}

    /**
     * The builder reported a failed attempt.
     *
     * @param code null when the builder named none
     * @param reason null when the builder gave none
     */
    record CompletedFailed(int attempt, UUID builderId, FailureCode code, String reason)
            implements FromBuilder {}

    /**
     * The builder reported success with a signed statement.
     *
     * @param statementProblem what is wrong with the statement against the job, if anything
     * @param artifacts the reported artifacts against the stored ones
     */
    record CompletedSucceeded(
            int attempt, UUID builderId, Optional<String> statementProblem, ArtifactCheck artifacts)
            implements FromBuilder {
        public CompletedSucceeded {
            Objects.requireNonNull(statementProblem);
            if (artifacts instanceof ArtifactCheck.NothingPending
                    || artifacts instanceof ArtifactCheck.Unreadable) {
                throw new IllegalArgumentException("a completion reports its artifacts");
            }
        }
    }

    /** The gateway could not hand the assignment to the builder's connection. */
    record Undeliverable(int attempt, UUID builderId, String connectionId, String reason)
            implements FromBuilder {}

    /**
     * The artifact service stored an artifact of {@code attempt}.
     *
     * @param artifacts the waiting completion's artifacts against the stored ones
     */
    record ArtifactStored(int attempt, ArtifactCheck artifacts) implements Trigger {}

    /** The connection (or the whole gateway process) that holds the job went away at {@code at}. */
    record Disconnected(Instant at) implements Trigger {}

    /**
     * Time passed: a lease, a disconnect grace or a completion's wait may have run out.
     *
     * @param artifacts the waiting completion's artifacts against the stored ones, {@link
     *     ArtifactCheck.NothingPending} when no completion waits
     */
    record Tick(ArtifactCheck artifacts) implements Trigger {}

    /** An operator cancels the job. */
    record CancelRequested(String by) implements Trigger {}

    /** An operator queues a failed or cancelled job again. */
    record RetryRequested(String by) implements Trigger {}

    /**
     * The registry the job's version came from yanked it. Only a queued job is cancelled: one a
     * builder already holds finishes, and its artifacts carry the yank instead.
     */
    record Yanked(String registry) implements Trigger {}
}
