package dev.crateforge.artifact.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/** Comparisons of disagreeing reproductions, keyed by the reproduction's group. */
@ApplicationScoped
public class ReproductionComparisonRepository
        implements PanacheRepositoryBase<ReproductionComparison, UUID> {

    /**
     * Keeps a comparison unless one of the same inputs is kept; the database decides, so that two
     * instances comparing the same builds at once cannot collide.
     *
     * @return true if this call wrote it
     */
    public boolean upsert(UUID group, String inputs, String comparison, Instant computedAt) {
        // Native because JPQL has no ON CONFLICT; the schema is fixed by the migrations.
        return getEntityManager()
                        .createNativeQuery(
                                "INSERT INTO artifact.reproduction_comparison (reproduction_group,"
                                        + " inputs, comparison, computed_at) VALUES (?1, ?2, ?3, ?4)"
                                        + " ON CONFLICT (reproduction_group) DO UPDATE SET"
                                        + " inputs = EXCLUDED.inputs,"
                                        + " comparison = EXCLUDED.comparison,"
                                        + " computed_at = EXCLUDED.computed_at"
                                        + " WHERE reproduction_comparison.inputs <> EXCLUDED.inputs")
                        .setParameter(1, group)
                        .setParameter(2, inputs)
                        .setParameter(3, comparison)
                        .setParameter(4, computedAt)
                        .executeUpdate()
                == 1;
    }
}
