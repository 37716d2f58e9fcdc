package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.artifact.service.ReproductionMember;
import dev.crateforge.protocol.kafka.Reproduction;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An artifact as the API shows it: what it is, which build made it, where to get it, and whether
 * the registry yanked its version (still downloadable; a yank advises against new use). In the
 * by-crate listing also whether independent builds agreed on it ({@code reproduction}, as in the
 * index) and which ({@code independentBuilds}); both null in the answer to an upload.
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
        String downloadUrl,
        String reproduction,
        IndependentBuilds independentBuilds) {

    /** An artifact without a word on its publication (the answer to an upload). */
    public static ArtifactView of(StoredArtifact a) {
        return of(a, null, null);
    }

    /**
     * A public artifact of a build made once ({@code reproduction} null: {@code unknown}) or of a
     * reproduction, with its builds.
     */
    static ArtifactView listed(
            StoredArtifact a, Reproduction reproduction, List<ReproductionMember> members) {
        return of(
                a,
                IndependentBuilds.status(reproduction),
                IndependentBuilds.of(reproduction, members, a.kind));
    }

    private static ArtifactView of(
            StoredArtifact a, String reproduction, IndependentBuilds independentBuilds) {
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
                "/api/v1/jobs/" + a.jobId + "/artifacts/" + a.kind,
                reproduction,
                independentBuilds);
    }
}
