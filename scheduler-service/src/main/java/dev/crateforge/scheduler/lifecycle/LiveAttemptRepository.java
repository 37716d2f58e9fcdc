package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.protocol.job.JobState;
import dev.crateforge.scheduler.job.ArtifactKindConverter;
import dev.crateforge.scheduler.job.Reproductions;
import dev.crateforge.scheduler.job.TransactionSql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Live attempts for the job-events path: many jobs locked with one statement and written back with
 * one statement, plain JDBC on the transaction's connection (a batch of log lines touches each of
 * its jobs once, and the entity layer would add a load and an update per job).
 */
@ApplicationScoped
public class LiveAttemptRepository {

    private final TransactionSql sql;

    public LiveAttemptRepository(TransactionSql sql) {
        this.sql = sql;
    }

    /**
     * Locks those of the jobs that are live (assigned or running), in id order so that two
     * transactions locking several jobs cannot deadlock each other. A job that is not live is
     * neither returned nor locked: a stale record must never lock a queued job in the way of a
     * claim (the claim would skip it).
     */
    public Map<UUID, LiveAttempt> lockLive(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Map.of();
        }
        return sql.execute(
                "locking live jobs",
                """
                select id, attempt, builder_id, crate, version, target, kind,
                    state, stage, log_bytes, log_truncated,
                    reproduce, reproduction_group, reproduction_verdict, reproduction_released
                from job where id = any (?) and state in ('assigned', 'running')
                order by id
                for update
                """,
                (connection, statement) -> {
                    Map<UUID, LiveAttempt> live = new HashMap<>();
                    statement.setArray(
                            1, connection.createArrayOf("uuid", jobIds.toArray(UUID[]::new)));
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            UUID id = rows.getObject(1, UUID.class);
                            live.put(
                                    id,
                                    new LiveAttempt(
                                            id,
                                            rows.getInt(2),
                                            rows.getObject(3, UUID.class),
                                            rows.getString(4),
                                            rows.getString(5),
                                            rows.getString(6),
                                            ArtifactKindConverter.fromColumn(rows.getString(7)),
                                            JobState.fromWireName(rows.getString(8)),
                                            rows.getString(9),
                                            rows.getLong(10),
                                            rows.getBoolean(11),
                                            Reproductions.of(
                                                    rows.getInt(12),
                                                    rows.getObject(13, UUID.class),
                                                    rows.getString(14),
                                                    rows.getBoolean(15))));
                        }
                    }
                    return live;
                });
    }

    /**
     * Writes back what events changed: state (and start time) of a job that just started, stage,
     * log bytes and truncation, a lease until {@code leaseExpiresAt}, and no pending disconnect
     * (the builder is evidently back).
     */
    public void save(Collection<LiveAttempt> attempts, Instant now, Instant leaseExpiresAt) {
        if (attempts.isEmpty()) {
            return;
        }
        int n = attempts.size();
        UUID[] ids = new UUID[n];
        String[] states = new String[n];
        Boolean[] started = new Boolean[n];
        String[] stages = new String[n];
        Long[] logBytes = new Long[n];
        Boolean[] truncated = new Boolean[n];
        int i = 0;
        for (LiveAttempt attempt : attempts) {
            ids[i] = attempt.id;
            states[i] = attempt.state.wireName();
            started[i] = attempt.started;
            stages[i] = attempt.stage;
            logBytes[i] = attempt.logBytes;
            truncated[i] = attempt.logTruncated;
            i++;
        }
        sql.execute(
                "updating live jobs",
                """
                update job j set state = s.state,
                    started_at = case when s.started then ? else j.started_at end,
                    stage = s.stage, log_bytes = s.log_bytes,
                    log_truncated = s.log_truncated, lease_expires_at = ?,
                    disconnected_at = null, updated_at = ?
                from unnest(?::uuid[], ?::text[], ?::boolean[], ?::text[],
                            ?::bigint[], ?::boolean[])
                    as s (id, state, started, stage, log_bytes, log_truncated)
                where j.id = s.id
                """,
                (connection, statement) -> {
                    OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
                    statement.setObject(1, at);
                    statement.setObject(
                            2, OffsetDateTime.ofInstant(leaseExpiresAt, ZoneOffset.UTC));
                    statement.setObject(3, at);
                    statement.setArray(4, connection.createArrayOf("uuid", ids));
                    statement.setArray(5, connection.createArrayOf("text", states));
                    statement.setArray(6, connection.createArrayOf("bool", started));
                    statement.setArray(7, connection.createArrayOf("text", stages));
                    statement.setArray(8, connection.createArrayOf("int8", logBytes));
                    statement.setArray(9, connection.createArrayOf("bool", truncated));
                    return statement.executeUpdate();
                });
    }
}
