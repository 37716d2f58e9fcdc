package dev.crateforge.scheduler.job;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * What operators changed on a job ({@code job_history}), written in the transaction of the change
 * through the same entity manager as the job row, so the two commit together.
 */
@ApplicationScoped
public class JobHistory {

    /** One change an operator made to a job. */
    public record Change(
            Instant at, String actor, String field, String oldValue, String newValue) {}

    private final EntityManager em;

    public JobHistory(EntityManager em) {
        this.em = em;
    }

    public void record(UUID jobId, String actor, String field, String oldValue, String newValue) {
        em.createNativeQuery(
                        "insert into job_history (job_id, actor, field, old_value, new_value)"
                                + " values (:job, :actor, :field, :old, :new)")
                .setParameter("job", jobId)
                .setParameter("actor", actor)
                .setParameter("field", field)
                .setParameter("old", oldValue)
                .setParameter("new", newValue)
                .executeUpdate();
    }

    /** The job's changes, oldest first. */
    @SuppressWarnings("unchecked")
    public List<Change> of(UUID jobId) {
        List<Object[]> rows =
                em.createNativeQuery(
                                "select at, actor, field, old_value, new_value from job_history"
                                        + " where job_id = :job order by at")
                        .setParameter("job", jobId)
                        .getResultList();
        return rows.stream()
                .map(
                        r ->
                                new Change(
                                        instant(r[0]),
                                        (String) r[1],
                                        (String) r[2],
                                        (String) r[3],
                                        (String) r[4]))
                .toList();
    }

    /** A {@code timestamptz} as the driver hands it over, whichever type that is. */
    public static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant();
        }
        return ((Timestamp) value).toInstant();
    }
}
