package dev.crateforge.scheduler.assignment;

import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.kafka.Reproduction;
import java.time.Instant;
import java.util.UUID;

/**
 * A job as the claim statement returned it, together with the waiting request it was claimed for:
 * everything an assignment and its state change need, without loading the entity again.
 */
public record ClaimedJob(
        WaitingRequest request,
        UUID id,
        int attempt,
        String crate,
        String version,
        String sourceUrl,
        String sourceSha256,
        String target,
        ArtifactKind kind,
        int priority,
        long fairTurn,
        Instant createdAt,
        Reproduction reproduction) {}
