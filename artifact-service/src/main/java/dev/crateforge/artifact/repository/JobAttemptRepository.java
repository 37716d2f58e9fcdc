package dev.crateforge.artifact.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/** The job states this service knows, keyed by job id. */
@ApplicationScoped
public class JobAttemptRepository implements PanacheRepositoryBase<JobAttempt, UUID> {

    public Optional<JobAttempt> findJob(UUID jobId) {
        return findByIdOptional(jobId);
    }
}
