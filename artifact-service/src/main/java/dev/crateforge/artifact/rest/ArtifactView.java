package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.repository.StoredArtifact;
import java.time.Instant;
import java.util.UUID;

/**
 * An artifact as the API shows it: what it is, which build made it, where to get it, and whether
 * the registry yanked its version (still downloadable; a yank advises against new use).
 */
public record ArtifactView(
        UUID jobId,
        int attempt,
        String crate,
        String version,
        String target,
        String kind,
        long size,
        String sha256,
        Instant createdAt,
        boolean yanked,
        String downloadUrl) {

    public static ArtifactView of(StoredArtifact a) {
        return new ArtifactView(
                a.jobId,
                a.attempt,
                a.crate,
                a.version,
                a.target,
                a.kind,
                a.size,
                a.sha256,
                a.createdAt,
                a.yanked,
                "/api/v1/jobs/" + a.jobId + "/artifacts/" + a.kind);
    }
}
