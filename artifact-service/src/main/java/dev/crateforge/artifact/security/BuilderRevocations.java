package dev.crateforge.artifact.security;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The builders whose job tokens are no longer honoured: an operator disabled or deleted them. A
 * token of such a builder that was issued before the revocation is refused; one issued after it
 * (the builder was enabled again and got a new job) is honoured, so enabling a builder needs no
 * record of its own.
 *
 * <p>Kept in the {@code builder_revocation} table, so that a replica that starts knows them at
 * once, and in memory, so that the check on every upload costs a map look-up. The builder-control
 * consumer of each replica adds to both.
 */
@ApplicationScoped
public class BuilderRevocations {

    private static final String UPSERT =
            """
            insert into builder_revocation (builder_id, revoked_at) values (?1, ?2)
            on conflict (builder_id) do update
            set revoked_at = greatest(builder_revocation.revoked_at, excluded.revoked_at)
            """;

    private final EntityManager entities;
    private final Map<UUID, Instant> revokedAt = new ConcurrentHashMap<>();

    public BuilderRevocations(EntityManager entities) {
        this.entities = entities;
    }

    @Transactional
    void load(@Observes StartupEvent event) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows =
                entities.createNativeQuery("select builder_id, revoked_at from builder_revocation")
                        .getResultList();
        for (Object[] row : rows) {
            remember((UUID) row[0], instant(row[1]));
        }
        Log.infof("Loaded %d builder revocations", rows.size());
    }

    /** Records that the builder was revoked at {@code at}; a later revocation wins. */
    @Transactional
    public void revoke(UUID builderId, Instant at) {
        entities.createNativeQuery(UPSERT)
                .setParameter(1, builderId)
                .setParameter(2, at.atOffset(ZoneOffset.UTC))
                .executeUpdate();
        remember(builderId, at);
        Log.infof("Builder %s revoked at %s: its earlier job tokens are refused", builderId, at);
    }

    /** When the builder was last revoked, if ever. */
    public Optional<Instant> revokedAt(UUID builderId) {
        return Optional.ofNullable(revokedAt.get(builderId));
    }

    /**
     * True when a token of {@code builderId} issued at {@code issuedAt} must be refused. {@code
     * iat} has whole seconds, so a token issued in the second of the revocation is refused too: the
     * safe side. A token without {@code iat} ({@code null}) of a revoked builder is refused.
     */
    public boolean refuses(UUID builderId, Instant issuedAt) {
        Instant revoked = revokedAt.get(builderId);
        return revoked != null && (issuedAt == null || issuedAt.isBefore(revoked));
    }

    private void remember(UUID builderId, Instant at) {
        revokedAt.merge(builderId, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        throw new IllegalStateException("unexpected revoked_at type " + value.getClass());
    }
}
