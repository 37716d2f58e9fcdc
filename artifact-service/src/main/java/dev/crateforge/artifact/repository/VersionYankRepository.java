package dev.crateforge.artifact.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.Optional;

/**
 * The yank state per registry version ({@code version_yank}) and the {@code yanked} flag of the
 * artifacts it marks. Every method runs in the caller's transaction.
 *
 * <p>A yank and the first upload of the same version may run at the same moment: each takes the
 * version's transaction-scoped advisory lock ({@link #lockVersion}) before it reads or writes, so
 * that the upload either sees the committed yank or the yank sees the committed artifact, never
 * neither.
 */
@ApplicationScoped
public class VersionYankRepository {

    private final EntityManager entities;

    public VersionYankRepository(EntityManager entities) {
        this.entities = entities;
    }

    /** Waits for, then holds until commit, the lock that orders yanks and uploads of a version. */
    public void lockVersion(String crate, String version) {
        entities.createNativeQuery(
                        "SELECT pg_advisory_xact_lock(hashtextextended("
                                + "'crateforge.version:' || ?1 || '@' || ?2, 0))")
                .setParameter(1, crate)
                .setParameter(2, version)
                .getSingleResult();
    }

    /**
     * Stores a version's yank state unless a change at least as recent is already stored.
     *
     * @return true if this change is now the latest
     */
    public boolean recordIfNewer(
            String registry, String crate, String version, boolean yanked, Instant changedAt) {
        return entities.createNativeQuery(
                                "INSERT INTO version_yank (registry, crate, version, yanked,"
                                        + " changed_at) VALUES (?1, ?2, ?3, ?4, ?5)"
                                        + " ON CONFLICT (registry, crate, version) DO UPDATE"
                                        + " SET yanked = excluded.yanked,"
                                        + " changed_at = excluded.changed_at, updated_at = now()"
                                        + " WHERE version_yank.changed_at < excluded.changed_at")
                        .setParameter(1, registry)
                        .setParameter(2, crate)
                        .setParameter(3, version)
                        .setParameter(4, yanked)
                        .setParameter(5, changedAt)
                        .executeUpdate()
                == 1;
    }

    /** The registry's latest announced state of the version, if it announced one. */
    public Optional<Boolean> state(String registry, String crate, String version) {
        return entities.createNativeQuery(
                        "SELECT yanked FROM version_yank WHERE registry = ?1 AND crate = ?2"
                                + " AND version = ?3",
                        Boolean.class)
                .setParameter(1, registry)
                .setParameter(2, crate)
                .setParameter(3, version)
                .getResultStream()
                .findFirst();
    }

    /**
     * Sets the flag of every artifact of the version.
     *
     * @return how many artifacts changed
     */
    public int markArtifacts(String crate, String version, boolean yanked) {
        return entities.createNativeQuery(
                        "UPDATE artifact SET yanked = ?3 WHERE crate = ?1 AND version = ?2"
                                + " AND yanked <> ?3")
                .setParameter(1, crate)
                .setParameter(2, version)
                .setParameter(3, yanked)
                .executeUpdate();
    }
}
