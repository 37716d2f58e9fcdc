package dev.crateforge.scheduler.logs;

import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.job.TransactionSql;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Deletes the log lines (and stage changes) of jobs that finished longer than {@code
 * crateforge.scheduler.log-retention} ago, {@link #JOBS_PER_BATCH} jobs per transaction so that no
 * transaction holds many locks or writes much WAL at once, and marks each such job {@code
 * log_purged_at}. Runs on every replica; {@code SKIP LOCKED} keeps replicas on different jobs. Why
 * a delete by job rather than partitions: docs/architecture.md ("Stored logs").
 */
@ApplicationScoped
public class LogRetention {

    /** Jobs whose logs one transaction deletes (a few thousand lines each, typically). */
    static final int JOBS_PER_BATCH = 50;

    private final TransactionSql sql;
    private final SchedulerConfig config;

    public LogRetention(TransactionSql sql, SchedulerConfig config) {
        this.sql = sql;
        this.config = config;
    }

    @Scheduled(
            identity = "log-retention",
            every = "${crateforge.scheduler.log-retention-interval}",
            delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        Duration keep = config.logRetention();
        if (keep.isZero() || keep.isNegative()) {
            return;
        }
        long deleted = purge(Instant.now().minus(keep));
        if (deleted > 0) {
            Log.infof("Log retention deleted %d lines of jobs finished before %s", deleted, keep);
        }
    }

    /**
     * Deletes the logs of every job that finished before {@code cutoff}, batch after batch.
     *
     * @return the log lines deleted
     */
    public long purge(Instant cutoff) {
        long deleted = 0;
        while (true) {
            long[] batch = QuarkusTransaction.requiringNew().call(() -> purgeBatch(cutoff));
            deleted += batch[1];
            if (batch[0] < JOBS_PER_BATCH) {
                return deleted;
            }
        }
    }

    /** One transaction: {jobs, lines} done. */
    private long[] purgeBatch(Instant cutoff) {
        List<UUID> jobs =
                sql.execute(
                        "choosing jobs for log retention",
                        """
                        select id from job
                        where finished_at < ? and finished_at is not null
                          and log_purged_at is null
                        order by finished_at
                        limit ?
                        for update skip locked
                        """,
                        (connection, statement) -> {
                            statement.setObject(1, java.sql.Timestamp.from(cutoff));
                            statement.setInt(2, JOBS_PER_BATCH);
                            List<UUID> ids = new ArrayList<>();
                            try (ResultSet rows = statement.executeQuery()) {
                                while (rows.next()) {
                                    ids.add(rows.getObject(1, UUID.class));
                                }
                            }
                            return ids;
                        });
        if (jobs.isEmpty()) {
            return new long[] {0, 0};
        }
        UUID[] ids = jobs.toArray(UUID[]::new);
        long lines =
                sql.execute(
                        "deleting old log lines",
                        "delete from job_log where job_id = any (?)",
                        (connection, statement) -> {
                            statement.setArray(1, connection.createArrayOf("uuid", ids));
                            return (long) statement.executeUpdate();
                        });
        sql.execute(
                "deleting old stage changes",
                "delete from job_stage where job_id = any (?)",
                (connection, statement) -> {
                    statement.setArray(1, connection.createArrayOf("uuid", ids));
                    return statement.executeUpdate();
                });
        sql.execute(
                "marking purged logs",
                "update job set log_purged_at = now() where id = any (?)",
                (connection, statement) -> {
                    statement.setArray(1, connection.createArrayOf("uuid", ids));
                    return statement.executeUpdate();
                });
        return new long[] {jobs.size(), lines};
    }
}
