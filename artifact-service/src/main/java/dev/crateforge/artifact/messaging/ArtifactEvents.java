package dev.crateforge.artifact.messaging;

import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.messaging.outbox.Outbox;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.kafka.ArtifactStored;
import dev.crateforge.protocol.kafka.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * Announces stored artifacts on {@code crateforge.artifacts.v1}, keyed by job id so that they stay
 * in order with the job's other records, through the transactional outbox: the {@code
 * ArtifactStored} record is written in the transaction that records the artifact, so it exists
 * exactly when the artifact does, and the relay sends it once that commits, also when the broker
 * was down at the time of the upload.
 */
@ApplicationScoped
public class ArtifactEvents {

    private final Outbox outbox;

    public ArtifactEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Adds the artifact's {@code ArtifactStored} record to the current transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void stored(StoredArtifact artifact) {
        ArtifactStored stored =
                new ArtifactStored(
                        artifact.jobId,
                        artifact.attempt,
                        ArtifactKind.fromWireName(artifact.kind).orElseThrow(),
                        artifact.sha256,
                        artifact.size,
                        artifact.createdAt);
        outbox.add(Topics.ARTIFACTS, stored.jobId().toString(), stored);
    }
}
