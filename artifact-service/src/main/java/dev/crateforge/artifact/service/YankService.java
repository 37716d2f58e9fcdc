package dev.crateforge.artifact.service;

import dev.crateforge.artifact.config.ArtifactConfig;
import dev.crateforge.artifact.repository.VersionYankRepository;
import dev.crateforge.protocol.kafka.VersionYankChanged;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Optional;

/**
 * Marks the artifacts of versions a registry yanked, and unmarks them on an unyank, from the
 * scheduler's {@code VersionYankChanged} records. A yanked artifact stays downloadable by its exact
 * version (a yank advises against new use; it breaks nobody who pinned the version); every listing
 * shows the flag.
 *
 * <p>The state is kept per version ({@code version_yank}) rather than only written onto existing
 * artifacts, because the intake may see a yank before the version's artifact lands (a build takes
 * minutes, a yank can follow a publish at once); an artifact stored later takes the flag from
 * there. Jobs carry no registry, and this service serves one ({@code artifact.downloads.registry}):
 * changes of other registries are kept but mark nothing, so that a private registry's yank of a
 * name never marks the served registry's crate of the same name.
 */
@ApplicationScoped
@Transactional
public class YankService {

    private final VersionYankRepository yanks;
    private final String servedRegistry;

    public YankService(VersionYankRepository yanks, ArtifactConfig config) {
        this.yanks = yanks;
        this.servedRegistry = config.downloads().registry();
    }

    /**
     * Applies one change; a change older than the one stored (a resend, a replay) does nothing.
     *
     * @return how many artifacts changed their flag
     */
    public int apply(VersionYankChanged change) {
        yanks.lockVersion(change.crate(), change.version());
        if (!yanks.recordIfNewer(
                change.registry(),
                change.crate(),
                change.version(),
                change.yanked(),
                change.changedAt())) {
            Log.debugf(
                    "Yank change of %s@%s in %s at %s is not newer than the stored one; ignored",
                    change.crate(), change.version(), change.registry(), change.changedAt());
            return 0;
        }
        if (!change.registry().equals(servedRegistry)) {
            Log.infof(
                    "Registry %s %s %s@%s; kept, but this service serves %s",
                    change.registry(),
                    change.yanked() ? "yanked" : "unyanked",
                    change.crate(),
                    change.version(),
                    servedRegistry);
            return 0;
        }
        int marked = yanks.markArtifacts(change.crate(), change.version(), change.yanked());
        Log.infof(
                "Registry %s %s %s@%s: %d artifacts %s",
                change.registry(),
                change.yanked() ? "yanked" : "unyanked",
                change.crate(),
                change.version(),
                marked,
                change.yanked() ? "marked yanked" : "unmarked");
        return marked;
    }

    /** The latest yank state a registry announced for a version; empty if it announced none. */
    public Optional<Boolean> state(String registry, String crate, String version) {
        return yanks.state(registry, crate, version);
    }

    /**
     * Whether an artifact of the version about to be stored must be marked yanked. Takes the
     * version's lock for the rest of the caller's transaction, so that a yank applied at the same
     * moment either is seen here or sees the stored artifact.
     */
    public boolean yankedForNewArtifact(String crate, String version) {
        yanks.lockVersion(crate, version);
        return yanks.state(servedRegistry, crate, version).orElse(false);
    }
}
