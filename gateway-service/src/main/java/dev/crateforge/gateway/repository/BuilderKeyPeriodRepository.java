package dev.crateforge.gateway.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The history of builder keys, for publishing. */
@ApplicationScoped
public class BuilderKeyPeriodRepository implements PanacheRepositoryBase<BuilderKeyPeriod, Long> {

    /** The builder's open period, if its key is enabled now. */
    public Optional<BuilderKeyPeriod> open(UUID builderId) {
        return find("builderId = ?1 and validUntil is null", builderId).firstResultOptional();
    }

    /** Every period, oldest first. */
    public List<BuilderKeyPeriod> history() {
        return listAll(Sort.by("validFrom").and("id"));
    }
}
