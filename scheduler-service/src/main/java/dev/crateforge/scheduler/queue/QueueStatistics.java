package dev.crateforge.scheduler.queue;

import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.scheduler.job.ArtifactKindConverter;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.job.TransactionSql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The figures queue positions and estimates are made of, read straight from the job and request
 * tables. Every query reads a partial index of live or recently finished jobs, so that a look at a
 * job stays cheap with a deep queue (see docs/performance-scheduler.md).
 */
@ApplicationScoped
public class QueueStatistics {

    /** How many recent finished jobs the typical duration is the median of. */
    static final int DURATION_SAMPLES = 50;

    /** Jobs of the same target that the claim takes before the given one, per kind. */
    private static final String AHEAD =
            """
            select kind, count(*) from job
            where state = 'queued' and target = ?
              and (priority > ? or (priority = ? and (fair_turn, created_at) < (?, ?)))
            group by kind
            """;

    private static final String TYPICAL_DURATION =
            """
            select percentile_cont(0.5) within group (order by seconds), count(*) from (
                select extract(epoch from finished_at - assigned_at) as seconds from job
                where state in ('succeeded', 'failed') and target = ? and kind = ?
                  and assigned_at is not null and finished_at >= assigned_at
                order by finished_at desc
                limit ?) recent
            """;

    private static final String CAPACITY =
            """
            select (select count(*) from job
                    where state in ('assigned', 'running') and target = ?),
                   (select coalesce(sum(free_slots), 0) from job_request where ? = any (targets))
            """;

    private static final String QUEUED_BY_TARGET =
            """
            select target, kind, priority, count(*), min(created_at) from job
            where state = 'queued'
            group by target, kind, priority
            """;

    private static final String BUSY_BY_TARGET =
            """
            select target, count(*) from job
            where state in ('assigned', 'running')
            group by target
            """;

    private static final String FREE_BY_TARGET =
            """
            select t.target, sum(r.free_slots) from job_request r, unnest(r.targets) as t (target)
            group by t.target
            """;

    /** Queued jobs of one target, kind and priority. */
    public record QueuedGroup(
            String target, ArtifactKind kind, int priority, long queued, Instant oldest) {}

    private final TransactionSql sql;

    public QueueStatistics(TransactionSql sql) {
        this.sql = sql;
    }

    /** How many queued jobs of its target the claim takes before {@code job}, per kind. */
    public Map<ArtifactKind, Long> jobsAhead(Job job) {
        return sql.execute(
                "counting jobs ahead",
                AHEAD,
                (connection, statement) -> {
                    statement.setString(1, job.target);
                    statement.setInt(2, job.priority);
                    statement.setInt(3, job.priority);
                    statement.setLong(4, job.fairTurn);
                    statement.setTimestamp(5, Timestamp.from(job.createdAt));
                    Map<ArtifactKind, Long> ahead = new TreeMap<>();
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            ahead.put(
                                    ArtifactKindConverter.fromColumn(row.getString(1)),
                                    row.getLong(2));
                        }
                    }
                    return ahead;
                });
    }

    /**
     * The median time from assignment to the end of the last {@value #DURATION_SAMPLES} finished
     * jobs of this target and kind; empty when none has finished yet.
     */
    public Optional<Duration> typicalDuration(String target, ArtifactKind kind) {
        return sql.execute(
                "measuring typical durations",
                TYPICAL_DURATION,
                (connection, statement) -> {
                    statement.setString(1, target);
                    statement.setString(2, kind.wireName());
                    statement.setInt(3, DURATION_SAMPLES);
                    return single(
                            statement.executeQuery(),
                            row ->
                                    row.getLong(2) == 0
                                            ? Optional.<Duration>empty()
                                            : Optional.of(
                                                    Duration.ofMillis(
                                                            Math.round(row.getDouble(1) * 1000))));
                });
    }

    /** The slots serving {@code target} now. */
    public TargetCapacity capacity(String target) {
        return sql.execute(
                "measuring capacity",
                CAPACITY,
                (connection, statement) -> {
                    statement.setString(1, target);
                    statement.setString(2, target);
                    return single(
                            statement.executeQuery(),
                            row -> new TargetCapacity(row.getLong(1), row.getLong(2)));
                });
    }

    /** Every queued job, counted per target, kind and priority. */
    public List<QueuedGroup> queuedGroups() {
        return sql.execute(
                "counting the queue",
                QUEUED_BY_TARGET,
                (connection, statement) -> {
                    List<QueuedGroup> groups = new ArrayList<>();
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            groups.add(
                                    new QueuedGroup(
                                            row.getString(1),
                                            ArtifactKindConverter.fromColumn(row.getString(2)),
                                            row.getInt(3),
                                            row.getLong(4),
                                            row.getObject(5, OffsetDateTime.class).toInstant()));
                        }
                    }
                    return groups;
                });
    }

    /** The slots of every target that has any, busy or free. */
    public Map<String, TargetCapacity> capacities() {
        Map<String, Long> busy = countsByTarget("counting busy slots", BUSY_BY_TARGET);
        Map<String, Long> free = countsByTarget("counting free slots", FREE_BY_TARGET);
        Map<String, TargetCapacity> capacities = new HashMap<>();
        busy.forEach((target, n) -> capacities.put(target, new TargetCapacity(n, 0)));
        free.forEach(
                (target, n) ->
                        capacities.merge(
                                target,
                                new TargetCapacity(0, n),
                                (a, b) -> new TargetCapacity(a.busySlots(), b.freeSlots())));
        return capacities;
    }

    private Map<String, Long> countsByTarget(String what, String query) {
        return sql.execute(
                what,
                query,
                (connection, statement) -> {
                    Map<String, Long> counts = new HashMap<>();
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            counts.put(row.getString(1), row.getLong(2));
                        }
                    }
                    return counts;
                });
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private static <T> T single(ResultSet rows, RowReader<T> reader) throws SQLException {
        try (rows) {
            rows.next();
            return reader.read(rows);
        }
    }
}
