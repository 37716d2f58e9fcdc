package dev.crateforge.artifact.security;

import dev.crateforge.protocol.job.ArtifactKind;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A verified job token: the scheduler's permission for one attempt of one job, run by one builder,
 * to upload artifacts of the listed kinds.
 *
 * <p>{@code crate}, {@code version} and {@code target} describe the attempt so that the token alone
 * is enough to store an artifact, even before this service has read the job's {@code assigned}
 * record; they are null in tokens of schedulers that do not set them yet.
 */
public record JobToken(
        UUID jobId,
        int attempt,
        UUID builderId,
        Set<ArtifactKind> kinds,
        String tokenId,
        String crate,
        String version,
        String target,
        Instant issuedAt) {

    /** True when the token names the crate, version and target of its attempt. */
    public boolean describesAttempt() {
        return crate != null && version != null && target != null;
    }
}
