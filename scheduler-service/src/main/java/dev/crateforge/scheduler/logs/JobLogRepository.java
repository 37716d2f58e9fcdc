package dev.crateforge.scheduler.logs;

import dev.crateforge.protocol.job.JobState;
import dev.crateforge.scheduler.job.TransactionSql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Log lines keyed by (job, attempt, seq). Insert-or-ignore on that key is what makes a resent line
 * (a builder reconnecting, a redelivered record) harmless.
 */
@ApplicationScoped
public class JobLogRepository {

    private final EntityManager em;
    private final TransactionSql sql;

    public JobLogRepository(EntityManager em, TransactionSql sql) {
        this.em = em;
        this.sql = sql;
    }

    /**
     * Which of {@code seqs} one attempt already has, so that the log cap counts only new lines (the
     * caller holds the job's row lock, so no other writer adds lines of this attempt meanwhile).
     */
    public Set<Long> existingSeqs(UUID jobId, int attempt, List<Long> seqs) {
        if (seqs.isEmpty()) {
            return Set.of();
        }
        return sql.execute(
                "reading log seqs",
                "select seq from job_log where job_id = ? and attempt = ? and seq = any (?)",
                (connection, statement) -> {
                    Set<Long> found = new HashSet<>();
                    statement.setObject(1, jobId);
                    statement.setInt(2, attempt);
                    statement.setArray(
                            3, connection.createArrayOf("int8", seqs.toArray(Long[]::new)));
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            found.add(rows.getLong(1));
                        }
                    }
                    return found;
                });
    }

    /** What one insert stored for one job: lines, and their bytes as the log cap counts them. */
    public record Stored(long lines, long bytes) {}

    /**
     * Inserts lines of any jobs with a single statement ({@code unnest} of five arrays); a (job,
     * attempt, seq) that exists already is left as it is. The answer is one row per job, not one
     * per line.
     *
     * <p>No foreign key checks the job of each line (migration V17): the caller must hold every job
     * of {@code rows} locked in its transaction, which is what keeps orphan lines out.
     *
     * @return per job, the lines actually inserted and their UTF-8 bytes plus one newline each
     */
    public Map<UUID, Stored> insertAll(List<LogRow> rows) {
        if (rows.isEmpty()) {
            return Map.of();
        }
        int n = rows.size();
        UUID[] jobs = new UUID[n];
        Integer[] attempts = new Integer[n];
        Long[] seqs = new Long[n];
        String[] streams = new String[n];
        String[] lines = new String[n];
        for (int i = 0; i < n; i++) {
            LogRow row = rows.get(i);
            jobs[i] = row.jobId();
            attempts[i] = row.attempt();
            seqs[i] = row.seq();
            streams[i] = row.stream();
            lines[i] = row.line();
        }
        return sql.execute(
                "inserting log lines",
                """
                with inserted as (
                    insert into job_log (job_id, attempt, seq, stream, line)
                    select * from unnest(?::uuid[], ?::int[], ?::bigint[], ?::text[],
                                         ?::text[])
                    on conflict (job_id, attempt, seq) do nothing
                    returning job_id, octet_length(line) + 1 as size)
                select job_id, count(*), sum(size) from inserted group by job_id
                """,
                (connection, statement) -> {
                    statement.setArray(1, connection.createArrayOf("uuid", jobs));
                    statement.setArray(2, connection.createArrayOf("int4", attempts));
                    statement.setArray(3, connection.createArrayOf("int8", seqs));
                    statement.setArray(4, connection.createArrayOf("text", streams));
                    statement.setArray(5, connection.createArrayOf("text", lines));
                    Map<UUID, Stored> inserted = new HashMap<>();
                    try (ResultSet result = statement.executeQuery()) {
                        while (result.next()) {
                            inserted.put(
                                    result.getObject(1, UUID.class),
                                    new Stored(result.getLong(2), result.getLong(3)));
                        }
                    }
                    return inserted;
                });
    }

    /**
     * Lines of one attempt after {@code afterSeq}, in order, each numbered by its place among the
     * attempt's lines (the lines up to {@code afterSeq} are counted over the primary key).
     */
    @SuppressWarnings("unchecked")
    public List<LogLine> after(UUID jobId, int attempt, long afterSeq, int limit) {
        List<Object[]> rows =
                em.createNativeQuery(
                                """
                                select
                                    (select count(*) from job_log p
                                     where p.job_id = :job and p.attempt = :attempt
                                       and p.seq <= :after)
                                    + row_number() over (order by l.seq),
                                    l.seq, l.stream, l.line, l.created_at
                                from (select seq, stream, line, created_at from job_log
                                      where job_id = :job and attempt = :attempt and seq > :after
                                      order by seq limit :limit) l
                                order by l.seq
                                """)
                        .setParameter("job", jobId)
                        .setParameter("attempt", attempt)
                        .setParameter("after", afterSeq)
                        .setParameter("limit", limit)
                        .getResultList();
        return rows.stream().map(r -> line(attempt, r, 0)).toList();
    }

    /**
     * A line of {@code attempt} from the columns {@code number, seq, stream, line, created_at}
     * starting at {@code from}: the shape both reads select.
     */
    private static LogLine line(int attempt, Object[] row, int from) {
        return new LogLine(
                attempt,
                ((Number) row[from]).longValue(),
                ((Number) row[from + 1]).longValue(),
                (String) row[from + 2],
                (String) row[from + 3],
                toInstant(row[from + 4]));
    }

    /**
     * What a live follower reads, with one statement: the job's attempt and state, and the lines of
     * {@code attempt} after {@code afterSeq}, all from one snapshot, so that a job seen over has no
     * line left that this read missed. {@code numberBefore} is the place of the line at {@code
     * afterSeq} when the follower knows it (the last line it sent), or negative to count it once
     * over the primary key; a follower at the end of a long log then pays for new lines only.
     *
     * @return empty when there is no such job
     */
    @SuppressWarnings("unchecked")
    public Optional<Followed> follow(
            UUID jobId, int attempt, long afterSeq, long numberBefore, int limit) {
        String base =
                numberBefore >= 0
                        ? ":numberBefore"
                        : """
                          (select count(*) from job_log p
                           where p.job_id = :job and p.attempt = :attempt and p.seq <= :after)""";
        var query =
                em.createNativeQuery(
                                "select j.attempt as job_attempt, j.state, "
                                        + base
                                        + " + row_number() over (order by l.seq),"
                                        + " l.seq, l.stream, l.line, l.created_at"
                                        + """
                                         from job j
                                         left join lateral
                                           (select seq, stream, line, created_at from job_log
                                            where job_id = j.id and attempt = :attempt
                                              and seq > :after
                                            order by seq limit :limit) l on true
                                         where j.id = :job
                                         order by l.seq
                                        """)
                        .setParameter("job", jobId)
                        .setParameter("attempt", attempt)
                        .setParameter("after", afterSeq)
                        .setParameter("limit", limit);
        if (numberBefore >= 0) {
            query.setParameter("numberBefore", numberBefore);
        }
        List<Object[]> rows = query.getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] first = rows.get(0);
        // No line after afterSeq: the left join gives one row with the job and no line.
        List<LogLine> lines =
                first[3] == null ? List.of() : rows.stream().map(r -> line(attempt, r, 2)).toList();
        return Optional.of(
                new Followed(
                        ((Number) first[0]).intValue(),
                        JobState.fromWireName((String) first[1]),
                        lines));
    }

    /** A live follower's read: the job's current attempt and state, and the new lines. */
    public record Followed(int jobAttempt, JobState state, List<LogLine> lines) {}

    /** Stores stage changes with one statement; a resent one is left as it is. */
    public void insertStages(List<StageChange> stages) {
        if (stages.isEmpty()) {
            return;
        }
        int n = stages.size();
        UUID[] jobs = new UUID[n];
        Integer[] attempts = new Integer[n];
        Long[] seqs = new Long[n];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            jobs[i] = stages.get(i).jobId();
            attempts[i] = stages.get(i).attempt();
            seqs[i] = stages.get(i).seq();
            names[i] = stages.get(i).stage();
        }
        sql.execute(
                "inserting stage changes",
                """
                insert into job_stage (job_id, attempt, seq, stage)
                select * from unnest(?::uuid[], ?::int[], ?::bigint[], ?::text[])
                on conflict (job_id, attempt, seq) do nothing
                """,
                (connection, statement) -> {
                    statement.setArray(1, connection.createArrayOf("uuid", jobs));
                    statement.setArray(2, connection.createArrayOf("int4", attempts));
                    statement.setArray(3, connection.createArrayOf("int8", seqs));
                    statement.setArray(4, connection.createArrayOf("text", names));
                    return statement.executeUpdate();
                });
    }

    /** The stages of one attempt, in the order the builder reported them. */
    @SuppressWarnings("unchecked")
    public List<StageChange> stages(UUID jobId, int attempt) {
        List<Object[]> rows =
                em.createNativeQuery(
                                "select seq, stage, at from job_stage"
                                        + " where job_id = :job and attempt = :attempt order by seq")
                        .setParameter("job", jobId)
                        .setParameter("attempt", attempt)
                        .getResultList();
        return rows.stream()
                .map(
                        r ->
                                new StageChange(
                                        jobId,
                                        attempt,
                                        ((Number) r[0]).longValue(),
                                        (String) r[1],
                                        toInstant(r[2])))
                .toList();
    }

    public static java.time.Instant toInstant(Object value) {
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
