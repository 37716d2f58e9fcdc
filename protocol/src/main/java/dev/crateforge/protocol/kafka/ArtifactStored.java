package dev.crateforge.protocol.kafka;

import static dev.crateforge.protocol.json.Fields.matching;
import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.Naming;
import java.time.Instant;
import java.util.UUID;

/**
 * The artifact service stored an artifact of a job attempt ({@link Topics#ARTIFACTS}, key job id).
 * The scheduler compares these with the digests in the builder's response.
 */
public record ArtifactStored(
        UUID jobId,
        Integer attempt,
        ArtifactKind kind,
        String sha256,
        Long size,
        Instant storedAt) {

    public ArtifactStored {
        required(jobId, "jobId");
        range(attempt, "attempt", 1, 1000);
        required(kind, "kind");
        matching(sha256, "sha256", Naming.SHA256_HEX, "64 lowercase hex digits");
        range(size, "size", 0L, ArtifactDigest.MAX_SIZE);
        required(storedAt, "storedAt");
    }

    /** The digest as a builder would report it. */
    public ArtifactDigest digest() {
        return new ArtifactDigest(kind, sha256, size);
    }
}
