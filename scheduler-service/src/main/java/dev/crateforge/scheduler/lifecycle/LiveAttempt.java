package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.Reproduction;
import java.util.UUID;

/**
 * The part of a live (assigned or running) job that builder events read and change, locked by
 * {@link LiveAttemptRepository#lockLive} and written back by {@link LiveAttemptRepository#save}.
 * Mutable on purpose: a batch's events are applied to it in memory and stored with one statement.
 */
public final class LiveAttempt {

    public final UUID id;
    public final int attempt;
    public final UUID builderId;
    public final String crate;
    public final String version;
    public final String target;
    public final ArtifactKind kind;

    /** The reproduction this build is part of; null when the job is built once. */
    public final Reproduction reproduction;

    public JobState state;
    public boolean started;
    public String stage;
    public long logBytes;
    public boolean logTruncated;

    public LiveAttempt(
            UUID id,
            int attempt,
            UUID builderId,
            String crate,
            String version,
            String target,
            ArtifactKind kind,
            JobState state,
            String stage,
            long logBytes,
            boolean logTruncated,
            Reproduction reproduction) {
        this.id = id;
        this.attempt = attempt;
        this.builderId = builderId;
        this.crate = crate;
        this.version = version;
        this.target = target;
        this.kind = kind;
        this.state = state;
        this.stage = stage;
        this.logBytes = logBytes;
        this.logTruncated = logTruncated;
        this.reproduction = reproduction;
    }

    /** The facts of the row that say who holds which attempt, for {@code JobLifecycle}. */
    public JobFacts lifecycleFacts() {
        return JobFacts.holder(id, state, attempt, builderId);
    }
}
