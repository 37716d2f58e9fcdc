package dev.crateforge.scheduler.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hibernate.Session;

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

    /**
     * Which of {@code seqs} one attempt already has: one round trip for a whole batch of lines, so
     * that the log cap counts only new lines (the caller holds the job's row lock, so no other
     * writer adds lines of this attempt meanwhile).
     */
    public Set<Long> existingSeqs(UUID jobId, int attempt, List<Long> seqs) {
        if (seqs.isEmpty()) {
            return Set.of();
        }
        return em.unwrap(Session.class)
                .doReturningWork(
                        connection -> {
                            Set<Long> found = new HashSet<>();
                            try (PreparedStatement statement =
                                    connection.prepareStatement(
                                            "select seq from job_log where job_id = ? and attempt"
                                                    + " = ? and seq = any (?)")) {
                                Array array =
                                        connection.createArrayOf(
                                                "bigint", seqs.toArray(Long[]::new));
                                statement.setObject(1, jobId);
                                statement.setInt(2, attempt);
                                statement.setArray(3, array);
                                try (ResultSet rows = statement.executeQuery()) {
                                    while (rows.next()) {
                                        found.add(rows.getLong(1));
                                    }
                                }
                                array.free();
                            }
                            return found;
                        });
    }

    /**
     * Inserts many lines of one attempt with a single statement ({@code unnest} of three arrays); a
     * (job, attempt, seq) that exists already is left as it is.
     *
     * @return the number of lines inserted
     */
    public int insertAll(
            UUID jobId, int attempt, List<Long> seqs, List<String> streams, List<String> lines) {
        if (seqs.isEmpty()) {
            return 0;
        }
        return em.unwrap(Session.class)
                .doReturningWork(
                        connection -> {
                            try (PreparedStatement statement =
                                    connection.prepareStatement(
                                            """
                                            insert into job_log (job_id, attempt, seq, stream, line)
                                            select ?, ?, s.seq, s.stream, s.line
                                            from unnest(?::bigint[], ?::text[], ?::text[])
                                                 as s (seq, stream, line)
                                            on conflict (job_id, attempt, seq) do nothing
                                            """)) {
                                Array seqArray =
                                        connection.createArrayOf(
                                                "bigint", seqs.toArray(Long[]::new));
                                Array streamArray =
                                        connection.createArrayOf(
                                                "text", streams.toArray(String[]::new));
                                Array lineArray =
                                        connection.createArrayOf(
                                                "text", lines.toArray(String[]::new));
                                statement.setObject(1, jobId);
                                statement.setInt(2, attempt);
                                statement.setArray(3, seqArray);
                                statement.setArray(4, streamArray);
                                statement.setArray(5, lineArray);
                                int inserted = statement.executeUpdate();
                                seqArray.free();
                                streamArray.free();
                                lineArray.free();
                                return inserted;
                            }
                        });
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
