package dev.crateforge.scheduler.reproduction;

import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.job.ReproductionVerdict;
import dev.crateforge.protocol.json.ProtocolJson;
import dev.crateforge.protocol.kafka.JobStateChanged;
import dev.crateforge.protocol.kafka.Reproduction;
import dev.crateforge.scheduler.job.ArtifactKindConverter;
import dev.crateforge.scheduler.job.Reproductions;
import dev.crateforge.scheduler.job.TransactionSql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The builds of reproductions: making them, finding the ones whose builds all ended, and writing
 * what they came to. Plain JDBC, because each of these is one set-based statement.
 */
@ApplicationScoped
public class ReproductionRepository {

    /** One build of a reproduction as its first state record needs it. */
    public record Build(
            UUID id,
            String crate,
            String version,
            String target,
            String kind,
            Reproduction reproduction) {

        /** The record that announces the build as queued. */
        public JobStateChanged queued(Instant at) {
            return new JobStateChanged(
                    id,
                    1,
                    JobState.QUEUED,
                    null,
                    crate,
                    version,
                    target,
                    ArtifactKindConverter.fromColumn(kind),
                    null,
                    at,
                    reproduction);
        }
    }

    /**
     * Of {@code firsts}, the new jobs that must be built more than once become the first build of
     * their reproduction (group = own id, verdict pending), and their other builds are queued
     * beside them: the same crate, source, target, kind, priority and turn, numbered by {@code
     * replica}.
     */
    private static final String ADD_BUILDS =
            """
            with firsts as (
                update job set reproduction_group = id, reproduction_verdict = 'pending'
                where id = any (?::uuid[]) and reproduce > 1 and replica = 0
                  and reproduction_group is null
                returning *
            ),
            others as (
                insert into job (id, crate, version, source_url, source_sha256, target, kind,
                                 priority, fair_turn, state, attempt, max_attempts, reproduce,
                                 replica, reproduction_group, reproduction_verdict)
                select gen_random_uuid(), f.crate, f.version, f.source_url, f.source_sha256,
                       f.target, f.kind, f.priority, f.fair_turn, 'queued', 1, f.max_attempts,
                       f.reproduce, g.n, f.id, 'pending'
                from firsts f cross join lateral generate_series(1, f.reproduce - 1) as g (n)
                returning id, crate, version, target, kind, reproduce, reproduction_group
            )
            select id, crate, version, target, kind, reproduce, reproduction_group from firsts
            union all
            select id, crate, version, target, kind, reproduce, reproduction_group from others
            """;

    /**
     * Groups still pending whose builds all ended, locked on their first build so that one
     * transaction (on any replica) settles each; others are skipped. The {@code %s} narrows the
     * look to some groups ({@link #ENDED_SINCE}) or not at all.
     */
    private static final String LOCK_SETTLEABLE =
            """
            select p.id from job p
            where p.replica = 0 and p.reproduction_verdict = 'pending'
              and not exists (select 1 from job m
                              where m.reproduction_group = p.id
                                and m.state not in ('succeeded', 'failed', 'cancelled'))
              %s
            order by p.updated_at
            limit ?
            for update of p skip locked
            """;

    /**
     * Only groups with a build that ended at or after the parameter: a group can become settleable
     * only when one of its builds ends. Without it the look visits every pending group, each with
     * builds still queued: 10,000 groups and ~100 ms with a million jobs queued, every sweep.
     * {@code log_purged_at is null} lets the finished-at index serve it; a build that ended
     * recently has its log still.
     */
    private static final String ENDED_SINCE =
            """
            and p.id in (select m.reproduction_group from job m
                         where m.finished_at >= ? and m.log_purged_at is null
                           and m.reproduction_group is not null)
            """;

    /** Every build of the group with the digests of its last attempt's artifacts. */
    private static final String OUTCOMES =
            """
            select j.id, j.builder_id, j.state, j.failure_code, a.kind, a.sha256
            from job j
            left join job_artifact a on a.job_id = j.id and a.attempt = j.attempt
                and j.state = 'succeeded'
            where j.reproduction_group = ?
            order by j.replica, a.kind
            """;

    private final TransactionSql sql;

    public ReproductionRepository(TransactionSql sql) {
        this.sql = sql;
    }

    /**
     * Adds the other builds of every reproduction among the new jobs {@code jobIds}.
     *
     * @return every build of those reproductions, the first ones included; empty when none of the
     *     jobs is to be reproduced
     */
    public List<Build> addBuilds(List<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        return sql.execute(
                "adding the builds of reproductions",
                ADD_BUILDS,
                (connection, statement) -> {
                    statement.setArray(
                            1, connection.createArrayOf("uuid", jobIds.toArray(UUID[]::new)));
                    List<Build> builds = new ArrayList<>();
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            builds.add(
                                    new Build(
                                            row.getObject(1, UUID.class),
                                            row.getString(2),
                                            row.getString(3),
                                            row.getString(4),
                                            row.getString(5),
                                            Reproductions.of(
                                                    row.getInt(6),
                                                    row.getObject(7, UUID.class),
                                                    "pending",
                                                    false)));
                        }
                    }
                    return builds;
                });
    }

    /**
     * Locks up to {@code limit} groups ready to be judged, among all pending groups or, with {@code
     * endedSince}, among those with a build that ended since then; see {@link #LOCK_SETTLEABLE}.
     */
    public List<UUID> lockSettleable(int limit, Optional<Instant> endedSince) {
        return sql.execute(
                "finding reproductions to settle",
                LOCK_SETTLEABLE.formatted(endedSince.isPresent() ? ENDED_SINCE : ""),
                (connection, statement) -> {
                    int next = 1;
                    if (endedSince.isPresent()) {
                        statement.setObject(next++, endedSince.get().atOffset(ZoneOffset.UTC));
                    }
                    statement.setInt(next, limit);
                    List<UUID> groups = new ArrayList<>();
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            groups.add(row.getObject(1, UUID.class));
                        }
                    }
                    return groups;
                });
    }

    /** How each build of the group ended, first build first. */
    public List<BuildOutcome> outcomes(UUID group) {
        return sql.execute(
                "reading the builds of a reproduction",
                OUTCOMES,
                (connection, statement) -> {
                    statement.setObject(1, group);
                    Map<UUID, BuildOutcome> builds = new LinkedHashMap<>();
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            UUID id = row.getObject(1, UUID.class);
                            BuildOutcome build = builds.computeIfAbsent(id, j -> outcome(j, row));
                            if (row.getString(5) != null) {
                                build.digests().put(row.getString(5), row.getString(6));
                            }
                        }
                    }
                    return List.copyOf(builds.values());
                });
    }

    private static BuildOutcome outcome(UUID id, ResultSet row) {
        try {
            return new BuildOutcome(
                    id,
                    row.getObject(2, UUID.class),
                    JobState.fromWireName(row.getString(3)),
                    row.getString(4),
                    new TreeMap<>());
        } catch (SQLException e) {
            throw new IllegalStateException("reading a build of a reproduction failed", e);
        }
    }

    /**
     * Writes the verdict on every build of the group and keeps the settlement (each build's
     * outcome) beside it; a release is cleared, since it was about an earlier verdict.
     */
    public void settle(UUID group, ReproductionVerdict verdict, List<BuildOutcome> builds) {
        sql.execute(
                "settling a reproduction",
                """
                with verdict as (
                    update job set reproduction_verdict = ?, reproduction_released = false,
                        updated_at = now()
                    where reproduction_group = ?
                    returning id)
                insert into reproduction_settlement (group_id, verdict, builds)
                values (?, ?, ?::jsonb)
                on conflict (group_id) do update set verdict = excluded.verdict,
                    builds = excluded.builds, settled_at = now(), released_job = null,
                    released_by = null, released_at = null
                """,
                (connection, statement) -> {
                    statement.setString(1, verdict.wireName());
                    statement.setObject(2, group);
                    statement.setObject(3, group);
                    statement.setString(4, verdict.wireName());
                    statement.setString(5, ProtocolJson.encode(builds));
                    return statement.executeUpdate();
                });
    }

    /** Records an operator's release of one build on the group's settlement. */
    public void released(UUID group, UUID jobId, String by) {
        sql.execute(
                "recording a release",
                """
                update reproduction_settlement set released_job = ?, released_by = ?,
                    released_at = now()
                where group_id = ?
                """,
                (connection, statement) -> {
                    statement.setObject(1, jobId);
                    statement.setString(2, by);
                    statement.setObject(3, group);
                    return statement.executeUpdate();
                });
    }

    /** The builds operators set for each of {@code crates} that has a setting. */
    public Map<String, Integer> crateBuilds(List<String> crates) {
        if (crates.isEmpty()) {
            return Map.of();
        }
        return sql.execute(
                "reading crates' reproduction",
                "select crate, builds from crate_reproduction where crate = any (?::text[])",
                (connection, statement) -> {
                    statement.setArray(
                            1, connection.createArrayOf("text", crates.toArray(String[]::new)));
                    Map<String, Integer> builds = new LinkedHashMap<>();
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            builds.put(row.getString(1), row.getInt(2));
                        }
                    }
                    return builds;
                });
    }

    /** Sets the crate's builds; returns the builds set before, if any. */
    public Optional<Integer> setCrateBuilds(String crate, int builds, String by) {
        Optional<Integer> before = Optional.ofNullable(crateBuilds(List.of(crate)).get(crate));
        sql.execute(
                "setting a crate's reproduction",
                """
                insert into crate_reproduction (crate, builds, updated_by) values (?, ?, ?)
                on conflict (crate) do update set builds = excluded.builds,
                    updated_by = excluded.updated_by, updated_at = now()
                """,
                (connection, statement) -> {
                    statement.setString(1, crate);
                    statement.setInt(2, builds);
                    statement.setString(3, by);
                    return statement.executeUpdate();
                });
        return before;
    }

    /** Removes the crate's setting; returns the builds it had, if any. */
    public Optional<Integer> clearCrateBuilds(String crate) {
        return sql.execute(
                "clearing a crate's reproduction",
                "delete from crate_reproduction where crate = ? returning builds",
                (connection, statement) -> {
                    statement.setString(1, crate);
                    try (ResultSet row = statement.executeQuery()) {
                        return row.next() ? Optional.of(row.getInt(1)) : Optional.<Integer>empty();
                    }
                });
    }
}
