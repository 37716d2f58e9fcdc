package dev.crateforge.scheduler.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.util.List;
import java.util.UUID;

/**
 * Log lines keyed by (job, attempt, seq). Insert-or-ignore on that key is what makes a resent line
 * (a builder reconnecting, a redelivered record) harmless.
 */
@ApplicationScoped
public class JobLogRepository {

    private final EntityManager em;

    public JobLogRepository(EntityManager em) {
        this.em = em;
    }

    /**
     * @return true if the line was new
     */
    public boolean insert(UUID jobId, int attempt, long seq, String stream, String line) {
        return em.createNativeQuery(
                                """
                                insert into job_log (job_id, attempt, seq, stream, line)
                                values (:job, :attempt, :seq, :stream, :line)
                                on conflict do nothing
                                """)
                        .setParameter("job", jobId)
                        .setParameter("attempt", attempt)
                        .setParameter("seq", seq)
                        .setParameter("stream", stream)
                        .setParameter("line", line)
                        .executeUpdate()
                == 1;
    }

    /** Lines of one attempt after {@code afterSeq}, in order. */
    @SuppressWarnings("unchecked")
    public List<LogLine> after(UUID jobId, int attempt, long afterSeq, int limit) {
        List<Object[]> rows =
                em.createNativeQuery(
                                """
                                select attempt, seq, stream, line, created_at from job_log
                                where job_id = :job and attempt = :attempt and seq > :after
                                order by seq limit :limit
                                """)
                        .setParameter("job", jobId)
                        .setParameter("attempt", attempt)
                        .setParameter("after", afterSeq)
                        .setParameter("limit", limit)
                        .getResultList();
        return rows.stream()
                .map(
                        r ->
                                new LogLine(
                                        ((Number) r[0]).intValue(),
                                        ((Number) r[1]).longValue(),
                                        (String) r[2],
                                        (String) r[3],
                                        toInstant(r[4])))
                .toList();
    }

    static java.time.Instant toInstant(Object value) {
        if (value instanceof java.time.Instant instant) {
            return instant;
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        return null;
    }
}
