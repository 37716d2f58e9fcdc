package dev.crateforge.scheduler.console;

import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.job.JobHistory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The builders page's rows from what the scheduler already stores: the open connections the
 * gateways reported ({@code builder_connection}), the request each one has waiting ({@code
 * job_request}: targets and free slots) and the jobs it holds now ({@code job}). Two indexed reads,
 * whatever the number of jobs in history.
 */
@ApplicationScoped
public class BuilderRows {

    /** A job a builder holds now. */
    public record Held(
            UUID id, String crate, String version, String target, String state, String stage) {}

    /**
     * One open builder connection.
     *
     * @param targets the targets of its waiting request (empty when none waits)
     * @param freeSlots the slots its waiting request offers (0 when none waits)
     * @param concurrencyLimit the most jobs it takes at once, when it said
     * @param lastSeen the latest sign of life the scheduler has: the connection, its last request,
     *     or the last event of a job it runs (the lease is renewed by each)
     */
    public record Row(
            UUID builderId,
            String name,
            String connectionId,
            String gateway,
            Instant connectedAt,
            List<String> targets,
            int freeSlots,
            Integer concurrencyLimit,
            Instant lastSeen,
            List<Held> jobs,
            BuilderStanding standing) {}

    /**
     * The builder's record in reproductions; null when it took part in none.
     *
     * @param quarantined whether it gets no jobs until an operator clears it
     */
    public record BuilderStanding(int agreed, int disagreed, int noResult, boolean quarantined) {}

    private final EntityManager em;
    private final Duration lease;

    public BuilderRows(EntityManager em, SchedulerConfig config) {
        this.em = em;
        this.lease = config.lease();
    }

    @SuppressWarnings("unchecked")
    public List<Row> online() {
        List<Object[]> connections =
                em.createNativeQuery(
                                """
                                select c.builder_id, c.builder_name, c.connection_id,
                                    c.gateway_instance, c.connected_at, array_to_string(r.targets, ','),
                                    r.free_slots,
                                    r.concurrency_limit, r.received_at,
                                    q.agreed, q.disagreed, q.no_result,
                                    q.quarantined_at is not null
                                from builder_connection c
                                left join job_request r on r.connection_id = c.connection_id
                                left join builder_reputation q on q.builder_id = c.builder_id
                                where c.disconnected_at is null
                                order by c.builder_name, c.connected_at
                                """)
                        .getResultList();
        Map<String, List<Held>> held = new LinkedHashMap<>();
        Map<String, Instant> lastEvent = new LinkedHashMap<>();
        if (!connections.isEmpty()) {
            List<Object[]> jobs =
                    em.createNativeQuery(
                                    """
                                    select connection_id, id, crate, version, target, state, stage,
                                        lease_expires_at
                                    from job
                                    where state in ('assigned', 'running')
                                      and connection_id in (:connections)
                                    order by assigned_at
                                    """)
                            .setParameter(
                                    "connections",
                                    connections.stream().map(r -> (String) r[2]).toList())
                            .getResultList();
            for (Object[] j : jobs) {
                String connection = (String) j[0];
                held.computeIfAbsent(connection, c -> new ArrayList<>())
                        .add(
                                new Held(
                                        (UUID) j[1],
                                        (String) j[2],
                                        (String) j[3],
                                        (String) j[4],
                                        (String) j[5],
                                        (String) j[6]));
                if (j[7] != null) {
                    lastEvent.merge(
                            connection,
                            JobHistory.instant(j[7]).minus(lease),
                            (a, b) -> a.isAfter(b) ? a : b);
                }
            }
        }
        return connections.stream()
                .map(
                        r -> {
                            String connection = (String) r[2];
                            Instant connectedAt = JobHistory.instant(r[4]);
                            Instant lastSeen = latest(connectedAt, r[8], lastEvent.get(connection));
                            return new Row(
                                    (UUID) r[0],
                                    (String) r[1],
                                    connection,
                                    (String) r[3],
                                    connectedAt,
                                    r[5] == null
                                            ? List.of()
                                            : Arrays.asList(((String) r[5]).split(",")),
                                    r[6] == null ? 0 : ((Number) r[6]).intValue(),
                                    r[7] == null ? null : ((Number) r[7]).intValue(),
                                    lastSeen,
                                    held.getOrDefault(connection, List.of()),
                                    r[9] == null
                                            ? null
                                            : new BuilderStanding(
                                                    ((Number) r[9]).intValue(),
                                                    ((Number) r[10]).intValue(),
                                                    ((Number) r[11]).intValue(),
                                                    (Boolean) r[12]));
                        })
                .toList();
    }

    private static Instant latest(Instant connectedAt, Object requestAt, Instant eventAt) {
        Instant latest = connectedAt;
        if (requestAt != null && JobHistory.instant(requestAt).isAfter(latest)) {
            latest = JobHistory.instant(requestAt);
        }
        if (eventAt != null && eventAt.isAfter(latest)) {
            latest = eventAt;
        }
        return latest;
    }
}
