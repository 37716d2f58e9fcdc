package dev.crateforge.artifact.service.comparison;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * How the outputs of the builds of a disagreeing reproduction differ: the document served by {@code
 * GET /api/v1/reproductions/{group}/comparison} (shape in docs/artifact.md).
 *
 * @param status {@code computed}
 * @param verdict the verdict the comparison was made for
 * @param builds how many builds were to agree
 * @param members every known build, by job id
 * @param artifacts one comparison per artifact kind any build stored
 */
public record OutputsComparison(
        UUID group,
        String status,
        String verdict,
        int builds,
        Instant computedAt,
        List<Member> members,
        List<KindComparison> artifacts) {

    /**
     * One build.
     *
     * @param builderKeyFingerprint of the key that signed its statement; null without provenance
     */
    public record Member(UUID jobId, int attempt, String state, String builderKeyFingerprint) {}

    /**
     * The artifacts of one kind.
     *
     * @param identical every build stored one, all with the same SHA-256
     * @param outputs one per build, in the order of {@code members}
     * @param differingEntries binary: names in every listed archive whose type, size or SHA-256
     *     differ
     * @param missingEntries binary: names some listed archives lack
     * @param differingPaths metadata: JSON Pointers of the values that differ; null for a binary
     * @param cut metadata: why {@code differingPaths} stopped early, or null
     */
    public record KindComparison(
            String kind,
            boolean identical,
            List<Output> outputs,
            List<String> differingEntries,
            List<MissingEntry> missingEntries,
            List<String> differingPaths,
            String cut) {}

    /**
     * One build's artifact of the kind.
     *
     * @param sha256 null when the build stored none (then nothing else is set)
     * @param entries binary: the archive's listing; null for metadata
     * @param cut why reading stopped early (a bound, or unreadable content), or null
     */
    public record Output(
            UUID jobId, String sha256, Long size, List<TarListing.Entry> entries, String cut) {}

    /** An entry some archives lack, and which. */
    public record MissingEntry(String name, List<UUID> missingFrom) {}
}
