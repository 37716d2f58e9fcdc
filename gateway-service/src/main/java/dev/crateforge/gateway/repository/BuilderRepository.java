package dev.crateforge.gateway.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Queries on the builder registry. */
@ApplicationScoped
public class BuilderRepository implements PanacheRepositoryBase<Builder, UUID> {

    public Optional<Builder> findByFingerprint(String fingerprint) {
        return find("fingerprint", fingerprint).firstResultOptional();
    }

    public List<Builder> listByName() {
        return listAll(Sort.by("name").and("id"));
    }

    /** The ids among {@code ids} that still exist and are enabled. */
    public List<UUID> enabledAmong(Collection<UUID> ids) {
        return getEntityManager()
                .createQuery(
                        "select b.id from Builder b where b.enabled = true and b.id in :ids",
                        UUID.class)
                .setParameter("ids", ids)
                .getResultList();
    }

    /**
     * Sets last_seen_at of all {@code ids} to {@code at} in one statement; it only moves forward,
     * so that a late flush never turns time back.
     */
    public int touchLastSeen(Collection<UUID> ids, Instant at) {
        return update(
                "lastSeenAt = ?1 where id in ?2 and (lastSeenAt is null or lastSeenAt < ?1)",
                at,
                ids);
    }
}
