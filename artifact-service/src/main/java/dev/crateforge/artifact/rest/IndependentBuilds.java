package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.artifact.service.ReproductionMember;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.ReproductionVerdict;
import dev.crateforge.protocol.kafka.Reproduction;
import java.util.List;
import java.util.UUID;

/**
 * The builds behind a public artifact of a reproduction, as the index and the by-crate listing show
 * it: who built it, so that anyone can check that independent builders with their own keys got the
 * same bytes.
 *
 * @param verdict the builds' verdict ({@code reproduced}, or another one for a released build)
 * @param released an operator released this build although the builds did not agree
 * @param group the job id of the first build
 * @param builds how many builds had to agree
 * @param builders every known build, by job id
 */
public record IndependentBuilds(
        String verdict, boolean released, UUID group, int builds, List<Builder> builders) {

    /** What {@code reproduction} says of a build made once. */
    public static final String UNKNOWN = "unknown";

    /** What {@code reproduction} says of a build an operator released without agreement. */
    public static final String RELEASED = "released";

    /**
     * One build.
     *
     * @param builderKeyFingerprint the {@code SHA256:…} fingerprint of the key that signed its
     *     statement; null while its provenance is not held
     * @param builderPublicKey that key as an OpenSSH line; null likewise
     * @param sha256 the digest of the artifact of this kind it stored; null if none
     * @param provenance its provenance files by job id; null while not held
     */
    public record Builder(
            UUID jobId,
            int attempt,
            String builderKeyFingerprint,
            String builderPublicKey,
            String sha256,
            BuildLinks provenance) {}

    /**
     * The provenance files of one build, by job id.
     *
     * @param envelope the DSSE envelope; null when its builder sent none
     */
    public record BuildLinks(String json, String statement, String signature, String envelope) {}

    /**
     * The one-word status of an artifact: {@code unknown} for a build made once (what the field
     * always said before independent builds), {@code reproduced}, or {@code released}.
     */
    static String status(Reproduction r) {
        if (r == null) {
            return UNKNOWN;
        }
        return r.verdict() == ReproductionVerdict.REPRODUCED
                ? ReproductionVerdict.REPRODUCED.wireName()
                : RELEASED;
    }

    /**
     * The builds of {@code r} that stored artifacts of {@code kind}; null for a build made once.
     */
    static IndependentBuilds of(Reproduction r, List<ReproductionMember> members, String kind) {
        if (r == null) {
            return null;
        }
        ArtifactKind artifactKind = ArtifactKind.fromWireName(kind).orElseThrow();
        return new IndependentBuilds(
                r.verdict().wireName(),
                r.released(),
                r.group(),
                r.builds(),
                members.stream().map(m -> builder(m, artifactKind)).toList());
    }

    private static Builder builder(ReproductionMember m, ArtifactKind kind) {
        boolean held = m.job().hasProvenance();
        String base = "/api/v1/jobs/" + m.job().jobId + "/provenance";
        return new Builder(
                m.job().jobId,
                m.job().attempt,
                m.builderKeyFingerprint(),
                held ? m.job().builderPublicKey : null,
                m.artifact(kind).map((StoredArtifact a) -> a.sha256).orElse(null),
                held
                        ? new BuildLinks(
                                base,
                                base + '/' + ProvenanceFile.STATEMENT.routeName(),
                                base + '/' + ProvenanceFile.SIGNATURE.routeName(),
                                m.job().provenanceEnvelope == null
                                        ? null
                                        : base + '/' + ProvenanceFile.ENVELOPE.routeName())
                        : null);
    }
}
