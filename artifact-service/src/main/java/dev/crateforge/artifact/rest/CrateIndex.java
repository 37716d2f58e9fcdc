package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.artifact.repository.SucceededArtifact;
import dev.crateforge.artifact.service.ReproductionMember;
import dev.crateforge.artifact.service.VersionOrder;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.kafka.Reproduction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The machine-readable index of a crate ({@code /dl/{registry}/{name}/index.json}): every version
 * (by Semantic Versioning precedence, oldest first) with every target and kind its latest
 * successful builds stored (by target, then kind). The same artifacts give the same document byte
 * for byte, so its ETag, a hash of the bytes, changes only when the content does.
 *
 * @param formatVersion 1; bumped only by an incompatible change (members may be added)
 */
public record CrateIndex(
        int formatVersion, String registry, String crate, List<VersionEntry> versions) {

    /**
     * One version.
     *
     * @param yanked whether the registry yanked it (its artifacts are still served)
     */
    public record VersionEntry(String version, boolean yanked, List<ArtifactEntry> artifacts) {}

    /**
     * One artifact: the one a download of its URL gets now.
     *
     * @param url where to download it: for a binary the stable {@code .tgz} URL, otherwise the
     *     by-crate URL
     * @param sha256Url the {@code .sha256} file of a binary; null for other kinds
     * @param provenance the build's signed provenance, or null if the service does not hold it
     * @param reproduction {@code unknown} for a build made once, {@code reproduced} when
     *     independent builds gave the same bytes, {@code released} when an operator released a
     *     build whose builds did not agree (a string, as in every index before independent builds)
     * @param independentBuilds the builds behind a reproduced or released artifact; null for a
     *     build made once
     */
    public record ArtifactEntry(
            String target,
            String kind,
            long size,
            String sha256,
            String url,
            String sha256Url,
            UUID jobId,
            int attempt,
            Instant createdAt,
            ProvenanceLinks provenance,
            String reproduction,
            IndependentBuilds independentBuilds) {}

    /**
     * The provenance files of the build that stored an artifact, by job id (so that they stay right
     * when a newer build replaces what the stable URL serves).
     *
     * @param json everything in one JSON document
     * @param statement the SSHSIG statement, for {@code ssh-keygen -Y verify}
     * @param signature its armored SSHSIG
     * @param allowedSigners the builder's key as an {@code allowed_signers} line
     * @param envelope the SLSA provenance, a DSSE envelope as {@code .intoto.jsonl}; null when the
     *     builder sent none
     * @param builderKey the builder's key for securesystemslib; null when it has no such form
     * @param builderPem the builder's key as a PEM {@code PUBLIC KEY}
     */
    public record ProvenanceLinks(
            String json,
            String statement,
            String signature,
            String allowedSigners,
            String envelope,
            String builderKey,
            String builderPem) {

        static ProvenanceLinks of(SucceededArtifact s) {
            String base = "/api/v1/jobs/" + s.artifact().jobId + "/provenance";
            return new ProvenanceLinks(
                    base,
                    link(base, ProvenanceFile.STATEMENT),
                    link(base, ProvenanceFile.SIGNATURE),
                    link(base, ProvenanceFile.ALLOWED_SIGNERS),
                    s.hasEnvelope() ? link(base, ProvenanceFile.ENVELOPE) : null,
                    s.hasSecuresystemslibKey() ? link(base, ProvenanceFile.BUILDER_KEY) : null,
                    link(base, ProvenanceFile.BUILDER_PEM));
        }

        private static String link(String base, ProvenanceFile file) {
            return base + '/' + file.routeName();
        }
    }

    /**
     * The index of what {@code ArtifactCatalog.latestSucceededOfCrate} returned, with the builds of
     * the reproductions among them by group.
     */
    static CrateIndex of(
            String registry,
            String crate,
            List<SucceededArtifact> latest,
            Map<UUID, List<ReproductionMember>> reproductions) {
        Map<String, List<SucceededArtifact>> byVersion = new TreeMap<>(VersionOrder.INSTANCE);
        for (SucceededArtifact s : latest) {
            byVersion.computeIfAbsent(s.artifact().version, v -> new ArrayList<>()).add(s);
        }
        List<VersionEntry> versions = new ArrayList<>();
        byVersion.forEach(
                (version, artifacts) ->
                        versions.add(
                                new VersionEntry(
                                        version,
                                        artifacts.stream().anyMatch(s -> s.artifact().yanked),
                                        artifacts.stream()
                                                .sorted(
                                                        Comparator.comparing(
                                                                        (SucceededArtifact s) ->
                                                                                s.artifact().target)
                                                                .thenComparing(
                                                                        s -> s.artifact().kind))
                                                .map(s -> entry(registry, s, reproductions))
                                                .toList())));
        return new CrateIndex(1, registry, crate, versions);
    }

    private static ArtifactEntry entry(
            String registry,
            SucceededArtifact s,
            Map<UUID, List<ReproductionMember>> reproductions) {
        StoredArtifact a = s.artifact();
        Reproduction r = s.reproduction();
        boolean binary = a.kind.equals(ArtifactKind.BINARY.wireName());
        return new ArtifactEntry(
                a.target,
                a.kind,
                a.size,
                a.sha256,
                binary
                        ? BinstallLayout.archiveUrl(registry, a.crate, a.version, a.target)
                        : "/api/v1/crates/"
                                + a.crate
                                + '/'
                                + a.version
                                + '/'
                                + a.target
                                + '/'
                                + a.kind,
                binary ? BinstallLayout.checksumUrl(registry, a.crate, a.version, a.target) : null,
                a.jobId,
                a.attempt,
                a.createdAt,
                s.hasProvenance() ? ProvenanceLinks.of(s) : null,
                IndependentBuilds.status(r),
                r == null
                        ? null
                        : IndependentBuilds.of(
                                r, reproductions.getOrDefault(r.group(), List.of()), a.kind));
    }
}
