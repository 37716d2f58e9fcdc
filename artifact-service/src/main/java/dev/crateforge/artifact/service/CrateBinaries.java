package dev.crateforge.artifact.service;

import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.artifact.repository.SucceededArtifact;
import dev.crateforge.protocol.job.ArtifactKind;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Finds the {@code binary} artifact a stable download URL names, and when there is none, says
 * exactly what is unknown: the crate, its version, or the target. The lookup itself is the one
 * query every download by crate makes; only a miss costs a second one, to tell the three apart.
 */
@ApplicationScoped
public class CrateBinaries {

    /** Most names listed in a 404 detail; the index has them all. */
    static final int LISTED = 10;

    private final ArtifactCatalog catalog;

    public CrateBinaries(ArtifactCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * The binary of the latest successful build of a crate version for a target.
     *
     * @throws Rejection 404 naming the unknown crate, version or target
     */
    public StoredArtifact latest(String crate, String version, String target) {
        return catalog.latestSucceeded(crate, version, target, ArtifactKind.BINARY)
                .orElseThrow(() -> missing(crate, version, target));
    }

    private Rejection missing(String crate, String version, String target) {
        List<StoredArtifact> binaries =
                catalog.latestSucceededOfCrate(crate).stream()
                        .map(SucceededArtifact::artifact)
                        .filter(a -> a.kind.equals(ArtifactKind.BINARY.wireName()))
                        .toList();
        if (binaries.isEmpty()) {
            return Rejection.notFound(
                    "unknown crate '"
                            + crate
                            + "': no public successful build of it stored a binary");
        }
        Comparator<String> newestFirst = VersionOrder.INSTANCE.reversed();
        List<StoredArtifact> ofVersion =
                binaries.stream().filter(a -> a.version.equals(version)).toList();
        if (ofVersion.isEmpty()) {
            return Rejection.notFound(
                    "unknown version '"
                            + version
                            + "' of crate '"
                            + crate
                            + "': binaries are stored for versions "
                            + list(namesOf(binaries, a -> a.version, newestFirst)));
        }
        return Rejection.notFound(
                "unknown target '"
                        + target
                        + "' for "
                        + crate
                        + " "
                        + version
                        + ": binaries are stored for targets "
                        + list(namesOf(ofVersion, a -> a.target, Comparator.naturalOrder())));
    }

    private static SortedSet<String> namesOf(
            List<StoredArtifact> artifacts,
            Function<StoredArtifact, String> name,
            Comparator<String> order) {
        return artifacts.stream()
                .map(name)
                .collect(Collectors.toCollection(() -> new TreeSet<>(order)));
    }

    /** Up to {@link #LISTED} names, then an ellipsis. */
    private static String list(Collection<String> names) {
        String shown = names.stream().limit(LISTED).collect(Collectors.joining(", "));
        return names.size() > LISTED ? shown + ", …" : shown;
    }
}
