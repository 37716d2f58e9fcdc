package dev.crateforge.artifact.security;

import dev.crateforge.protocol.job.ArtifactKind;
import java.util.Set;
import java.util.UUID;

/**
 * A verified job token: the scheduler's permission for one attempt of one job, run by one builder,
 * to upload artifacts of the listed kinds.
 */
public record JobToken(
        UUID jobId, int attempt, UUID builderId, Set<ArtifactKind> kinds, String tokenId) {}
