package dev.crateforge.artifact.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The job states this service knows, keyed by job id. */
@ApplicationScoped
public class JobAttemptRepository implements PanacheRepositoryBase<JobAttempt, UUID> {

    public Optional<JobAttempt> findJob(UUID jobId) {
        return findByIdOptional(jobId);
    }

    /** The known ones of these jobs, in no particular order. */
    public List<JobAttempt> findJobs(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        return list("jobId in ?1", jobIds);
    }

    /** The known builds of these reproductions, by job id (a stable order for stable documents). */
    public List<JobAttempt> findMembers(Collection<UUID> groups) {
        if (groups.isEmpty()) {
            return List.of();
        }
        return list(
                "reproductionGroup in :groups order by reproductionGroup, jobId",
                Parameters.with("groups", groups));
    }

    /**
     * Reproductions one of whose builds says they disagreed and whose comparison is not kept: what
     * a comparison still has to be made for (after a restart that interrupted one).
     */
    public List<UUID> findDisagreedWithoutComparison() {
        return getEntityManager()
                .createQuery(
                        "select distinct j.reproductionGroup from JobAttempt j"
                                + " where j.reproductionVerdict = 'disagreed' and not exists"
                                + " (select 1 from ReproductionComparison c"
                                + " where c.reproductionGroup = j.reproductionGroup)",
                        UUID.class)
                .getResultList();
    }
}
