package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.kafka.ArtifactStored;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.UUID;

/** What the artifact service says it stored, per job attempt: the reference for completions. */
@ApplicationScoped
public class ArtifactRepository {

    private final EntityManager em;

    public ArtifactRepository(EntityManager em) {
        this.em = em;
    }

    /**
     * @return false when the job is unknown here (the record is then ignored)
     */
    public boolean record(ArtifactStored stored) {
        return em.createNativeQuery(
                                """
                                insert into job_artifact (job_id, attempt, kind, sha256, size, stored_at)
                                select :job, :attempt, :kind, :sha, :size, :at
                                where exists (select 1 from job where id = :job)
                                on conflict do nothing
                                """)
                        .setParameter("job", stored.jobId())
                        .setParameter("attempt", stored.attempt())
                        .setParameter("kind", stored.kind().wireName())
                        .setParameter("sha", stored.sha256())
                        .setParameter("size", stored.size())
                        .setParameter("at", stored.storedAt())
                        .executeUpdate()
                == 1;
    }

    @SuppressWarnings("unchecked")
    public List<ArtifactDigest> forAttempt(UUID jobId, int attempt) {
        List<Object[]> rows =
                em.createNativeQuery(
                                "select kind, sha256, size from job_artifact"
                                        + " where job_id = :job and attempt = :attempt")
                        .setParameter("job", jobId)
                        .setParameter("attempt", attempt)
                        .getResultList();
        return rows.stream()
                .map(
                        r ->
                                new ArtifactDigest(
                                        ArtifactKind.fromWireName((String) r[0]).orElseThrow(),
                                        (String) r[1],
                                        ((Number) r[2]).longValue()))
                .toList();
    }
}
