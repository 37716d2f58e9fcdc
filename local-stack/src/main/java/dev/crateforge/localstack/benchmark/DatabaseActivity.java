package dev.crateforge.localstack.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * What PostgreSQL did on its own while a benchmark phase ran: which tables autovacuum worked on and
 * when checkpoints wrote buffers, sampled every few milliseconds on one connection of its own. A
 * latency report beside it tells a stall of the service from one of the database: a run of slow
 * requests that coincides with a vacuum of the table they queue in points at the database.
 *
 * <p>Times are milliseconds since the {@code origin} the caller gives ({@link System#nanoTime()} of
 * the phase's start), the same clock its latency report uses.
 */
public final class DatabaseActivity implements AutoCloseable {

    private static final String BACKGROUND =
            "select backend_type, coalesce(query, '') from pg_stat_activity"
                    + " where backend_type = 'autovacuum worker' and state is distinct from 'idle'";

    /**
     * Statements of other sessions that have been running for longer than a sampling period or so:
     * the service's own periodic work (a count over the whole queue) shows here by its text.
     */
    private static final String LONG_STATEMENTS =
            "select regexp_replace(left(query, 90), '\\s+', ' ', 'g') from pg_stat_activity"
                    + " where state = 'active' and backend_type = 'client backend'"
                    + " and pid <> pg_backend_pid() and clock_timestamp() - query_start > make_interval(secs => ?)";

    private static final String CHECKPOINTS =
            "select num_timed + num_requested, buffers_written from pg_stat_checkpointer";

    /** How long a statement must have run to be noted. */
    private static final Duration LONG = Duration.ofMillis(30);

    private final DataSource dataSource;
    private final long origin;
    private final Duration period;
    private final Map<String, TreeSet<Long>> seen = new LinkedHashMap<>();
    private final Thread sampler;
    private final CountDownLatch firstSample = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile String failure;

    private DatabaseActivity(DataSource dataSource, long origin, Duration period) {
        this.dataSource = dataSource;
        this.origin = origin;
        this.period = period;
        this.sampler = new Thread(this::sample, "database-activity");
        sampler.setDaemon(true);
    }

    /**
     * Starts sampling and returns once the first sample is taken (or sampling failed), so that the
     * counters a checkpoint moves are read before anything the caller does; {@link #close()} stops
     * it.
     */
    public static DatabaseActivity sample(DataSource dataSource, long origin, Duration period)
            throws InterruptedException {
        DatabaseActivity activity = new DatabaseActivity(dataSource, origin, period);
        activity.sampler.start();
        if (!activity.firstSample.await(1, TimeUnit.MINUTES)) {
            activity.close();
            throw new IllegalStateException("the database activity sampler did not start");
        }
        return activity;
    }

    private void sample() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement background = connection.prepareStatement(BACKGROUND);
                PreparedStatement checkpoints = connection.prepareStatement(CHECKPOINTS);
                PreparedStatement longStatements = connection.prepareStatement(LONG_STATEMENTS)) {
            connection.setAutoCommit(true);
            longStatements.setDouble(1, LONG.toMillis() / 1000.0);
            long lastCheckpoints = -1;
            long lastBuffers = -1;
            while (running) {
                long at = (System.nanoTime() - origin) / 1_000_000;
                try (ResultSet rows = background.executeQuery()) {
                    while (rows.next()) {
                        note(describe(rows.getString(2)), at);
                    }
                }
                try (ResultSet rows = longStatements.executeQuery()) {
                    while (rows.next()) {
                        note(
                                "a statement running over "
                                        + LONG.toMillis()
                                        + " ms: "
                                        + rows.getString(1),
                                at);
                    }
                }
                try (ResultSet row = checkpoints.executeQuery()) {
                    if (row.next()) {
                        long count = row.getLong(1);
                        long buffers = row.getLong(2);
                        if (lastCheckpoints >= 0 && count != lastCheckpoints) {
                            note("checkpoint ended", at);
                        }
                        if (lastBuffers >= 0 && buffers != lastBuffers) {
                            note("checkpoint writing buffers", at);
                        }
                        lastCheckpoints = count;
                        lastBuffers = buffers;
                    }
                }
                firstSample.countDown();
                Thread.sleep(period.toMillis());
            }
        } catch (SQLException e) {
            failure = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            firstSample.countDown();
        }
    }

    /** "autovacuum: VACUUM public.outbox" rather than the worker's whole query text. */
    private static String describe(String query) {
        String text = query.strip();
        return text.startsWith("autovacuum:") ? text : "autovacuum worker: " + text;
    }

    private synchronized void note(String what, long at) {
        seen.computeIfAbsent(what, w -> new TreeSet<>()).add(at);
    }

    /**
     * Each activity with the spans (ms since the origin) it was seen in, e.g. {@code autovacuum:
     * VACUUM public.outbox at 1200-1340, 6100-6180}; samples further apart than {@code gap} start a
     * new span. "nothing" when the database did no background work the sampler could see.
     */
    public synchronized String report(Duration gap) {
        if (failure != null) {
            return "not sampled: " + failure;
        }
        if (seen.isEmpty()) {
            return "no autovacuum, no checkpoint, no statement over " + LONG.toMillis() + " ms";
        }
        List<String> lines = new ArrayList<>();
        seen.forEach((what, times) -> lines.add(what + " at " + spans(times, gap.toMillis())));
        return String.join("; ", lines);
    }

    static String spans(TreeSet<Long> times, long gap) {
        List<String> spans = new ArrayList<>();
        long first = times.first();
        long last = first;
        for (long at : times.tailSet(first, false)) {
            if (at - last > gap) {
                spans.add(span(first, last));
                first = at;
            }
            last = at;
        }
        spans.add(span(first, last));
        return String.join(", ", spans);
    }

    private static String span(long from, long to) {
        return from == to ? String.valueOf(from) : from + "-" + to;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join();
    }
}
