package dev.crateforge.scheduler.intake;

import dev.crateforge.scheduler.job.TransactionSql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The intake's SQL, on the caller's transaction: the leader lock, the cursor, the bulk insert of
 * jobs and the yank records. Every method must run inside a transaction.
 */
@ApplicationScoped
public class IntakeRepository {

    /** A job to queue for a version; the identity decides whether it already exists. */
    record NewJob(
            String crate,
            String version,
            String sourceUrl,
            String sourceSha256,
            String target,
            String kind,
            int priority,
            int maxAttempts,
            int reproduce) {

        /** The same job, built {@code builds} times. */
        NewJob withReproduce(int builds) {
            return builds == reproduce
                    ? this
                    : new NewJob(
                            crate,
                            version,
                            sourceUrl,
                            sourceSha256,
                            target,
                            kind,
                            priority,
                            maxAttempts,
                            builds);
        }
    }

    /** A job the bulk insert created. */
    record CreatedJob(UUID id, String crate, String version, String target, String kind) {}

    /** Rows per insert statement: big enough to amortise the round trip, small enough to plan. */
    private static final int INSERT_CHUNK = 5000;

    private static final String CURSOR_COLUMNS =
            "registry, commit_id, head_commit, lag_commits, versions_seen, jobs_created, bad_lines,"
                    + " last_error, last_error_at, last_poll_at, paused";

    private final TransactionSql sql;

    public IntakeRepository(TransactionSql sql) {
        this.sql = sql;
    }

    /**
     * Takes the registry's leader lock for the rest of the transaction, or returns false at once if
     * another watcher (on any replica) holds it. A transaction-scoped advisory lock is released by
     * commit, rollback or the connection's death, so a killed watcher never leaves it behind.
     */
    public boolean tryLead(String registry) {
        return sql.execute(
                "taking the intake lock of " + registry,
                "select pg_try_advisory_xact_lock(hashtextextended('crateforge.intake:' || ?, 0))",
                (c, s) -> {
                    s.setString(1, registry);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        return rs.getBoolean(1);
                    }
                });
    }

    /**
     * Takes the registry's lock for the rest of the transaction, waiting for a running poll (a
     * look-up of one crate runs after it, never beside it).
     */
    public void lead(String registry) {
        sql.execute(
                "waiting for the intake lock of " + registry,
                "select pg_advisory_xact_lock(hashtextextended('crateforge.intake:' || ?, 0))",
                (c, s) -> {
                    s.setString(1, registry);
                    try (ResultSet rs = s.executeQuery()) {
                        return rs.next();
                    }
                });
    }

    /** The registry's cursor, created if missing and locked for the rest of the transaction. */
    public RegistryCursor lockCursor(String registry) {
        ensureRow(registry);
        return readCursors(
                        "reading the cursor of " + registry,
                        "where registry = ? for update",
                        registry)
                .get(0);
    }

    /** Every registry's cursor, by name. */
    public List<RegistryCursor> cursors() {
        return readCursors("reading the registry cursors", "order by registry", null);
    }

    /** One registry's cursor, if it was ever polled or paused. */
    public Optional<RegistryCursor> cursor(String registry) {
        return readCursors("reading the cursor of " + registry, "where registry = ?", registry)
                .stream()
                .findFirst();
    }

    /**
     * The cursors a {@code where …}/{@code order by …} tail selects ({@code registry} its one
     * parameter, if any).
     */
    private List<RegistryCursor> readCursors(String what, String tail, String registry) {
        return sql.execute(
                what,
                "select " + CURSOR_COLUMNS + " from registry_cursor " + tail,
                (c, s) -> {
                    if (registry != null) {
                        s.setString(1, registry);
                    }
                    List<RegistryCursor> found = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            found.add(cursor(rs));
                        }
                    }
                    return found;
                });
    }

    /**
     * Moves the cursor to {@code commit} after a successful poll (the same transaction as the jobs
     * it created) and adds the poll's counts. Clears the last error.
     */
    public void advance(
            String registry,
            String commit,
            String head,
            int lag,
            long versionsSeen,
            long jobsCreated,
            long badLines) {
        sql.execute(
                "moving the cursor of " + registry,
                """
                update registry_cursor set commit_id = ?, head_commit = ?, lag_commits = ?,
                    versions_seen = versions_seen + ?, jobs_created = jobs_created + ?,
                    bad_lines = bad_lines + ?, last_error = null, last_error_at = null,
                    last_poll_at = now(), updated_at = now()
                where registry = ?
                """,
                (c, s) -> {
                    s.setString(1, commit);
                    s.setString(2, head);
                    s.setInt(3, lag);
                    s.setLong(4, versionsSeen);
                    s.setLong(5, jobsCreated);
                    s.setLong(6, badLines);
                    s.setString(7, registry);
                    return s.executeUpdate();
                });
    }

    /** Records why the last poll failed (in its own transaction: the poll's was rolled back). */
    public void recordError(String registry, String error) {
        updateCursor(
                "recording the error of " + registry,
                registry,
                "last_error = ?, last_error_at = now(), last_poll_at = now()",
                error.length() > 2000 ? error.substring(0, 2000) : error);
    }

    /** Pauses or resumes a registry for every replica. */
    public void setPaused(String registry, boolean paused) {
        updateCursor("pausing " + registry, registry, "paused = ?", paused);
    }

    /**
     * Sets one parameter's worth of columns of the registry's cursor, creating the row if missing.
     */
    private void updateCursor(String what, String registry, String assignments, Object value) {
        ensureRow(registry);
        sql.execute(
                what,
                "update registry_cursor set "
                        + assignments
                        + ", updated_at = now() where registry = ?",
                (c, s) -> {
                    s.setObject(1, value);
                    s.setString(2, registry);
                    return s.executeUpdate();
                });
    }

    /**
     * Inserts the jobs that do not exist yet (by identity) with a few statements per thousands of
     * rows, and returns the ones it created. Turns are given as {@code
     * JobRepository.insertIfAbsent} gives them, per crate in input order: a crate's new jobs follow
     * its queued ones, or start at the turn being served now.
     */
    public List<CreatedJob> insertJobs(List<NewJob> jobs) {
        List<CreatedJob> created = new ArrayList<>();
        for (int from = 0; from < jobs.size(); from += INSERT_CHUNK) {
            created.addAll(
                    insertChunk(jobs.subList(from, Math.min(jobs.size(), from + INSERT_CHUNK))));
        }
        return created;
    }

    private List<CreatedJob> insertChunk(List<NewJob> jobs) {
        int n = jobs.size();
        UUID[] ids = new UUID[n];
        String[] crates = new String[n];
        String[] versions = new String[n];
        String[] urls = new String[n];
        String[] shas = new String[n];
        String[] targets = new String[n];
        String[] kinds = new String[n];
        Integer[] priorities = new Integer[n];
        Integer[] attempts = new Integer[n];
        Integer[] reproduce = new Integer[n];
        for (int i = 0; i < n; i++) {
            NewJob job = jobs.get(i);
            ids[i] = UUID.randomUUID();
            crates[i] = job.crate();
            versions[i] = job.version();
            urls[i] = job.sourceUrl();
            shas[i] = job.sourceSha256();
            targets[i] = job.target();
            kinds[i] = job.kind();
            priorities[i] = job.priority();
            attempts[i] = job.maxAttempts();
            reproduce[i] = job.reproduce();
        }
        return sql.execute(
                "queueing registry jobs",
                """
                with input as (
                    select * from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[],
                                         ?::text[], ?::text[], ?::int[], ?::int[], ?::int[])
                        with ordinality as t(id, crate, version, source_url, source_sha256,
                                             target, kind, priority, max_attempts, reproduce,
                                             ord)),
                served as (
                    select coalesce(min(fair_turn), 0) as turn from job where state = 'queued'),
                crate_next as (
                    select i.crate, coalesce(max(j.fair_turn) + 1, 0) as turn
                    from (select distinct crate from input) i
                    left join job j on j.crate = i.crate and j.state = 'queued'
                    group by i.crate)
                insert into job (id, crate, version, source_url, source_sha256, target, kind,
                                 priority, fair_turn, state, attempt, max_attempts, reproduce)
                select i.id, i.crate, i.version, i.source_url, i.source_sha256, i.target, i.kind,
                       i.priority,
                       greatest(c.turn, s.turn)
                           + row_number() over (partition by i.crate order by i.ord) - 1,
                       'queued', 1, i.max_attempts, i.reproduce
                from input i join crate_next c on c.crate = i.crate cross join served s
                order by i.ord
                on conflict on constraint job_identity do nothing
                returning id, crate, version, target, kind
                """,
                (c, s) -> {
                    s.setArray(1, c.createArrayOf("uuid", ids));
                    s.setArray(2, c.createArrayOf("text", crates));
                    s.setArray(3, c.createArrayOf("text", versions));
                    s.setArray(4, c.createArrayOf("text", urls));
                    s.setArray(5, c.createArrayOf("text", shas));
                    s.setArray(6, c.createArrayOf("text", targets));
                    s.setArray(7, c.createArrayOf("text", kinds));
                    s.setArray(8, c.createArrayOf("integer", priorities));
                    s.setArray(9, c.createArrayOf("integer", attempts));
                    s.setArray(10, c.createArrayOf("integer", reproduce));
                    List<CreatedJob> created = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            created.add(
                                    new CreatedJob(
                                            (UUID) rs.getObject(1),
                                            rs.getString(2),
                                            rs.getString(3),
                                            rs.getString(4),
                                            rs.getString(5)));
                        }
                    }
                    return created;
                });
    }

    /**
     * Records that a registry yanked (or unyanked) a version, and returns the time recorded. The
     * clock is read after the registry's lock was taken ({@code clock_timestamp()}, not the
     * transaction's start), so a later change of a version always gets a later time: consumers of
     * {@code VersionYankChanged} keep the latest by it.
     */
    public Instant recordYank(String registry, String crate, String version, boolean yanked) {
        return sql.execute(
                "recording a yank of " + crate + "@" + version,
                """
                insert into crate_version_yank (registry, crate, version, yanked, changed_at)
                values (?, ?, ?, ?, clock_timestamp())
                on conflict (registry, crate, version)
                do update set yanked = excluded.yanked, changed_at = excluded.changed_at
                returning changed_at
                """,
                (c, s) -> {
                    s.setString(1, registry);
                    s.setString(2, crate);
                    s.setString(3, version);
                    s.setBoolean(4, yanked);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        return rs.getTimestamp(1).toInstant();
                    }
                });
    }

    /**
     * Ids of the jobs of one version's file in a state, optionally with a failure reason, ordered
     * by id (so that two lockers take the rows in the same order).
     */
    public List<UUID> jobsOf(
            String crate, String version, String sha256, String state, String reason) {
        return sql.execute(
                "finding the jobs of " + crate + "@" + version,
                "select id from job where crate = ? and version = ? and source_sha256 = ?"
                        + " and state = ? and (?::text is null or failure_reason = ?) order by id",
                (c, s) -> {
                    s.setString(1, crate);
                    s.setString(2, version);
                    s.setString(3, sha256);
                    s.setString(4, state);
                    s.setString(5, reason);
                    s.setString(6, reason);
                    List<UUID> ids = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            ids.add((UUID) rs.getObject(1));
                        }
                    }
                    return ids;
                });
    }

    private void ensureRow(String registry) {
        sql.execute(
                "creating the cursor of " + registry,
                "insert into registry_cursor (registry) values (?) on conflict do nothing",
                (c, s) -> {
                    s.setString(1, registry);
                    return s.executeUpdate();
                });
    }

    private static RegistryCursor cursor(ResultSet rs) throws SQLException {
        return new RegistryCursor(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getInt(4),
                rs.getLong(5),
                rs.getLong(6),
                rs.getLong(7),
                rs.getString(8),
                instant(rs.getTimestamp(9)),
                instant(rs.getTimestamp(10)),
                rs.getBoolean(11));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** The versions of {@code crate} that some followed registry marks yanked now. */
    public Set<String> yankedVersions(String crate) {
        return sql.execute(
                "reading a crate's yanked versions",
                "select distinct version from crate_version_yank where crate = ? and yanked",
                (c, s) -> {
                    s.setString(1, crate);
                    Set<String> versions = new HashSet<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            versions.add(rs.getString(1));
                        }
                    }
                    return versions;
                });
    }
}
