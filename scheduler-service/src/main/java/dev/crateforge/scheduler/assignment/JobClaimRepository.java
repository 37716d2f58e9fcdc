package dev.crateforge.scheduler.assignment;

import dev.crateforge.scheduler.job.ArtifactKindConverter;
import dev.crateforge.scheduler.job.Reproductions;
import dev.crateforge.scheduler.job.TransactionSql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.postgresql.PGStatement;

/**
 * The claim: queued jobs handed to waiting requests, several requests with one statement. Plain
 * JDBC on the transaction's connection, because this is the hottest path of the scheduler and the
 * entity layer would add a reload per claimed job.
 */
@ApplicationScoped
public class JobClaimRepository {

    /**
     * Whether a queued {@code job} row must not go to any of the builders bound here: it avoids one
     * of them ({@code Decision.Avoid}), its avoidance runs, and some other builder is online to
     * take it. Where none is, the same builder retries it after the backoff: "on another builder
     * when one exists".
     */
    private static final String AVOIDS_ONE_OF =
            """
            (avoid_until is not null and avoid_until > now()
             and avoid_builder_ids && ?::uuid[]
             and exists (select 1 from builder_connection b
                         where b.disconnected_at is null
                           and not b.builder_id = any (job.avoid_builder_ids)))
            """;

    /**
     * Whether a queued {@code job} row is one build of a reproduction that one of the builders
     * bound here (or another builder of one of their owners) already holds or made: independent
     * builds never share a builder or an owner, however long it takes to find another.
     */
    private static final String BUILT_BY_ONE_OF =
            """
            (reproduction_group is not null
             and exists (select 1 from job s
                         where s.reproduction_group = job.reproduction_group
                           and s.id <> job.id
                           and (s.builder_id = any (?::uuid[])
                                or s.builder_owner = any (?::text[]))))
            """;

    /**
     * One statement for all requests that accept the same targets. {@code request} works out how
     * many more attempts each builder may hold ({@code room}: its concurrency limit minus the
     * attempts it holds now, counted over {@code job_live_builder_idx}; null when the request names
     * no limit). {@code slot} numbers the free slots of the requests in their order (oldest request
     * first), at most {@code room} per builder also when one builder has several requests here;
     * {@code picked} locks the best queued jobs ({@code FOR UPDATE SKIP LOCKED}, so concurrent
     * claims on any replica pass each other by) and numbers them best first; slot n gets job n. The
     * pick is MATERIALIZED on purpose: as a plain subquery joined to the update, the planner may
     * rescan it and claim more jobs than there are slots. The state check on the locked row makes a
     * second claim of the same job impossible. {@code state = 'queued' and not_before <= now()} is
     * the lifecycle's claim rule ({@code JobLifecycle}, trigger {@code Claimed}), applied to many
     * rows at once.
     *
     * <p>Builders: a quarantined builder ({@code builder_reputation}) gets nothing. Jobs: one that
     * avoids one of the statement's builders (it lost an attempt to a fault of theirs, until {@code
     * avoid_until}) or whose reproduction one of them already builds is not picked, and of the
     * builds of one reproduction at most one is picked ({@code member_rank}), so that no builder
     * gets two. With one builder that is exact; with several, {@link #claim} looks again per
     * builder for what is left.
     *
     * <p>The limit is written into the text ({@link #LIMIT}), not bound: PostgreSQL plans a bound
     * limit in a generic (cached) plan as a tenth of the queue and then sorts the whole queue for
     * one slot, while with the limit as a constant the generic plan is the index walk that stops
     * after {@code limit} rows. So each text can be prepared once per connection and its plan
     * reused, instead of planning this six-CTE statement at every execution.
     */
    private static final String LIMIT = "/*limit*/";

    private static final String CLAIM =
            """
            with request as (
                select s.connection_id, s.builder_id, s.owner, s.gateway_instance, s.free_slots,
                    s.ord,
                    s.concurrency_limit - (select count(*) from job h
                                           where h.builder_id = s.builder_id
                                             and h.state in ('assigned', 'running')) as room
                from unnest(?::text[], ?::uuid[], ?::text[], ?::int[], ?::int[], ?::text[])
                    with ordinality
                    as s (connection_id, builder_id, gateway_instance, free_slots,
                          concurrency_limit, owner, ord)
                where not exists (select 1 from builder_reputation q
                                  where q.builder_id = s.builder_id
                                    and q.quarantined_at is not null)
            ),
            slot as (
                select x.connection_id, x.builder_id, x.owner, x.gateway_instance,
                    row_number() over (order by x.ord, x.k) as n
                from (select r.connection_id, r.builder_id, r.owner, r.gateway_instance, r.ord,
                          r.room,
                          g.k,
                          row_number() over (partition by r.builder_id order by r.ord, g.k)
                              as nth
                      from request r
                      cross join lateral generate_series(1, r.free_slots) as g (k)) x
                where x.room is null or x.nth <= x.room
            ),
            picked as materialized (
                select d.id,
                    row_number() over (order by d.priority desc, d.fair_turn, d.created_at) as n
                from (select c.*,
                          row_number() over (partition by coalesce(c.reproduction_group, c.id)
                                             order by c.priority desc, c.fair_turn, c.created_at)
                              as member_rank
                      from (select id, priority, fair_turn, created_at, reproduction_group
                            from job
                            where state = 'queued' and not_before <= now()
                              and target = any (?::text[])
                              and not %s
                              and not %s
                            order by priority desc, fair_turn, created_at
                            limit %s
                            for update skip locked) c) d
                where d.member_rank = 1
            )
            update job j set state = 'assigned', builder_id = slot.builder_id,
                builder_owner = slot.owner,
                connection_id = slot.connection_id, gateway_instance = slot.gateway_instance,
                lease_expires_at = now() + make_interval(secs => ?),
                assigned_at = now(), updated_at = now(), disconnected_at = null, stage = null
            from picked join slot on slot.n = picked.n
            where j.id = picked.id and j.state = 'queued'
            returning slot.connection_id, j.id, j.attempt, j.crate, j.version, j.source_url,
                j.source_sha256, j.target, j.kind, j.priority, j.fair_turn, j.created_at,
                j.reproduce, j.reproduction_group, j.reproduction_verdict,
                j.reproduction_released
            """
                    .formatted(AVOIDS_ONE_OF, BUILT_BY_ONE_OF, LIMIT);

    /**
     * Whether queued jobs of these targets, claimable now, avoid some of these builders or belong
     * to a reproduction: only then is a second look per builder worth its statements. Both kinds
     * are in {@code job_second_look_idx}, which holds no other row.
     */
    private static final String ANY_SECOND_LOOK =
            """
            select exists (select 1 from job
                           where state = 'queued'
                             and (avoid_until is not null or reproduction_group is not null)
                             and not_before <= now() and target = any (?::text[])
                             and (reproduction_group is not null or %s))
            """
                    .formatted(AVOIDS_ONE_OF);

    private final TransactionSql sql;

    public JobClaimRepository(TransactionSql sql) {
        this.sql = sql;
    }

    /**
     * Claims queued jobs for locked waiting requests, at most each request's free slots. Requests
     * are served in their order within each set of targets: an earlier request gets the better job.
     * Requests with different targets are claimed for with one statement per set of targets.
     *
     * @return the claimed jobs, each with its request, best first per request
     */
    public List<ClaimedJob> claim(List<WaitingRequest> requests, Duration lease) {
        if (requests.isEmpty()) {
            return List.of();
        }
        Map<List<String>, List<WaitingRequest>> byTargets = new LinkedHashMap<>();
        for (WaitingRequest request : requests) {
            List<String> targets = request.targets().stream().distinct().sorted().toList();
            byTargets.computeIfAbsent(targets, t -> new ArrayList<>()).add(request);
        }
        List<ClaimedJob> claimed = new ArrayList<>();
        for (Map.Entry<List<String>, List<WaitingRequest>> group : byTargets.entrySet()) {
            claimed.addAll(claim(group.getKey(), group.getValue(), lease));
        }
        return claimed;
    }

    /**
     * One statement for the group; then, when the group holds several builders, slots are left and
     * some claimable job was passed over because it avoids one of them, one more per builder for
     * its remaining slots. Such jobs are few (retries within their avoidance), so the second look
     * rarely runs.
     */
    private List<ClaimedJob> claim(
            List<String> targets, List<WaitingRequest> group, Duration lease) {
        List<ClaimedJob> claimed = new ArrayList<>(claimOnce(targets, group, lease));
        Map<String, Integer> taken = new HashMap<>();
        claimed.forEach(c -> taken.merge(c.request().connectionId(), 1, Integer::sum));
        Map<UUID, List<WaitingRequest>> leftByBuilder = new LinkedHashMap<>();
        for (WaitingRequest request : group) {
            WaitingRequest left = request.minus(taken.getOrDefault(request.connectionId(), 0));
            if (left.freeSlots() > 0) {
                leftByBuilder.computeIfAbsent(left.builderId(), b -> new ArrayList<>()).add(left);
            }
        }
        boolean severalBuilders =
                group.stream().map(WaitingRequest::builderId).distinct().count() > 1;
        if (!severalBuilders || leftByBuilder.isEmpty() || !secondLookNeeded(targets, group)) {
            return claimed;
        }
        for (List<WaitingRequest> ofOneBuilder : leftByBuilder.values()) {
            claimed.addAll(claimOnce(targets, ofOneBuilder, lease));
        }
        return claimed;
    }

    private boolean secondLookNeeded(List<String> targets, List<WaitingRequest> group) {
        UUID[] builders = group.stream().map(WaitingRequest::builderId).toArray(UUID[]::new);
        return sql.execute(
                "claim-second-look",
                ANY_SECOND_LOOK,
                (connection, statement) -> {
                    statement.setArray(
                            1, connection.createArrayOf("text", targets.toArray(String[]::new)));
                    statement.setArray(2, connection.createArrayOf("uuid", builders));
                    try (ResultSet row = statement.executeQuery()) {
                        return row.next() && row.getBoolean(1);
                    }
                });
    }

    private List<ClaimedJob> claimOnce(
            List<String> targets, List<WaitingRequest> group, Duration lease) {
        int n = group.size();
        String[] connections = new String[n];
        UUID[] builders = new UUID[n];
        String[] gateways = new String[n];
        Integer[] slots = new Integer[n];
        Integer[] limits = new Integer[n];
        String[] owners = new String[n];
        Map<String, WaitingRequest> byConnection = new HashMap<>();
        Map<String, Integer> order = new HashMap<>();
        for (int i = 0; i < n; i++) {
            WaitingRequest request = group.get(i);
            connections[i] = request.connectionId();
            builders[i] = request.builderId();
            gateways[i] = request.gatewayInstance();
            slots[i] = request.freeSlots();
            limits[i] = request.concurrencyLimit();
            owners[i] = request.owner();
            byConnection.put(request.connectionId(), request);
            order.put(request.connectionId(), i);
        }
        // An upper bound: the builders' live attempts are counted inside the statement.
        int total =
                group.stream()
                        .mapToInt(
                                r ->
                                        r.concurrencyLimit() == null
                                                ? r.freeSlots()
                                                : Math.min(r.freeSlots(), r.concurrencyLimit()))
                        .sum();
        List<ClaimedJob> claimed =
                sql.execute(
                        "claim",
                        CLAIM.replace(LIMIT, Integer.toString(total)),
                        (connection, statement) -> {
                            // Named at once and kept: the text's plan does not depend on the
                            // parameters that are bound (see CLAIM).
                            statement.unwrap(PGStatement.class).setPrepareThreshold(1);
                            statement.setArray(1, connection.createArrayOf("text", connections));
                            statement.setArray(2, connection.createArrayOf("uuid", builders));
                            statement.setArray(3, connection.createArrayOf("text", gateways));
                            statement.setArray(4, connection.createArrayOf("int4", slots));
                            statement.setArray(5, connection.createArrayOf("int4", limits));
                            statement.setArray(6, connection.createArrayOf("text", owners));
                            statement.setArray(
                                    7,
                                    connection.createArrayOf(
                                            "text", targets.toArray(String[]::new)));
                            statement.setArray(8, connection.createArrayOf("uuid", builders));
                            statement.setArray(9, connection.createArrayOf("uuid", builders));
                            statement.setArray(
                                    10,
                                    connection.createArrayOf(
                                            "text",
                                            Arrays.stream(owners)
                                                    .filter(Objects::nonNull)
                                                    .toArray(String[]::new)));
                            statement.setDouble(11, lease.toMillis() / 1000.0);
                            List<ClaimedJob> rows = new ArrayList<>();
                            try (ResultSet row = statement.executeQuery()) {
                                while (row.next()) {
                                    rows.add(claimedJob(row, byConnection));
                                }
                            }
                            return rows;
                        });
        // RETURNING has no order: requests in their order, each with its jobs best first.
        claimed.sort(
                Comparator.comparingInt((ClaimedJob c) -> order.get(c.request().connectionId()))
                        .thenComparingInt(c -> -c.priority())
                        .thenComparingLong(ClaimedJob::fairTurn)
                        .thenComparing(ClaimedJob::createdAt));
        return claimed;
    }

    /** One row of the claim's {@code RETURNING}, with the request it was claimed for. */
    private static ClaimedJob claimedJob(ResultSet row, Map<String, WaitingRequest> byConnection)
            throws SQLException {
        return new ClaimedJob(
                byConnection.get(row.getString(1)),
                row.getObject(2, UUID.class),
                row.getInt(3),
                row.getString(4),
                row.getString(5),
                row.getString(6),
                row.getString(7),
                row.getString(8),
                ArtifactKindConverter.fromColumn(row.getString(9)),
                row.getInt(10),
                row.getLong(11),
                row.getObject(12, OffsetDateTime.class).toInstant(),
                Reproductions.of(
                        row.getInt(13),
                        row.getObject(14, UUID.class),
                        row.getString(15),
                        row.getBoolean(16)));
    }
}
