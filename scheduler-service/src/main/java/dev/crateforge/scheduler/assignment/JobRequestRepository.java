package dev.crateforge.scheduler.assignment;

import dev.crateforge.scheduler.job.TransactionSql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Waiting requests, one per builder connection. Kept in the database rather than in memory so that
 * any replica can answer a request when a job arrives, and a restart loses none. Every method takes
 * many connections at once (plain JDBC on the transaction's connection), so that one poll of
 * requests costs a fixed number of statements.
 */
@ApplicationScoped
public class JobRequestRepository {

    /**
     * Stores the requests, each replacing its connection's previous one, except those of
     * connections already seen closed (a late request must not outlive its connection). The upsert
     * locks each stored row (waiting for a transaction that is serving it right now), so the rows
     * returned are this transaction's to serve.
     */
    private static final String STORE =
            """
            insert into job_request as r (connection_id, builder_id, gateway_instance, targets,
                free_slots, concurrency_limit, requested_at, received_at, owner)
            select s.connection_id, s.builder_id, s.gateway_instance,
                string_to_array(s.targets, ','), s.free_slots, s.concurrency_limit,
                s.requested_at, now(), s.owner
            from unnest(?::text[], ?::uuid[], ?::text[], ?::text[], ?::int[], ?::int[],
                        ?::timestamptz[], ?::text[])
                as s (connection_id, builder_id, gateway_instance, targets, free_slots,
                      concurrency_limit, requested_at, owner)
            where not exists (select 1 from builder_connection c
                              where c.connection_id = s.connection_id
                                and c.disconnected_at is not null)
            on conflict (connection_id) do update set builder_id = excluded.builder_id,
                gateway_instance = excluded.gateway_instance, targets = excluded.targets,
                free_slots = excluded.free_slots,
                concurrency_limit = excluded.concurrency_limit,
                requested_at = excluded.requested_at,
                received_at = now(), owner = excluded.owner
            returning r.connection_id
            """;

    private static final String COLUMNS =
            "connection_id, builder_id, gateway_instance, array_to_string(targets, ','),"
                    + " free_slots, concurrency_limit, requested_at, owner";

    private final TransactionSql sql;

    public JobRequestRepository(TransactionSql sql) {
        this.sql = sql;
    }

    /**
     * Stores the requests (at most one per connection) unless their connection is closed.
     *
     * @return the stored requests, locked, in the order given
     */
    public List<WaitingRequest> storeUnlessClosed(List<WaitingRequest> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        int n = batch.size();
        String[] connections = new String[n];
        UUID[] builders = new UUID[n];
        String[] gateways = new String[n];
        String[] targets = new String[n];
        Integer[] slots = new Integer[n];
        Integer[] limits = new Integer[n];
        String[] requestedAt = new String[n];
        String[] owners = new String[n];
        for (int i = 0; i < n; i++) {
            WaitingRequest request = batch.get(i);
            connections[i] = request.connectionId();
            builders[i] = request.builderId();
            gateways[i] = request.gatewayInstance();
            targets[i] = String.join(",", request.targets());
            slots[i] = request.freeSlots();
            limits[i] = request.concurrencyLimit();
            requestedAt[i] = request.requestedAt().toString();
            owners[i] = request.owner();
        }
        Set<String> stored =
                sql.execute(
                        "storing requests",
                        STORE,
                        (connection, statement) -> {
                            Set<String> ids = new HashSet<>();
                            statement.setArray(1, connection.createArrayOf("text", connections));
                            statement.setArray(2, connection.createArrayOf("uuid", builders));
                            statement.setArray(3, connection.createArrayOf("text", gateways));
                            statement.setArray(4, connection.createArrayOf("text", targets));
                            statement.setArray(5, connection.createArrayOf("int4", slots));
                            statement.setArray(6, connection.createArrayOf("int4", limits));
                            statement.setArray(7, connection.createArrayOf("text", requestedAt));
                            statement.setArray(8, connection.createArrayOf("text", owners));
                            try (ResultSet rows = statement.executeQuery()) {
                                while (rows.next()) {
                                    ids.add(rows.getString(1));
                                }
                            }
                            return ids;
                        });
        return batch.stream().filter(r -> stored.contains(r.connectionId())).toList();
    }

    /**
     * Locks the requests of these connections, oldest first, skipping those another transaction is
     * serving right now (that one will see any job we would have offered).
     */
    public List<WaitingRequest> lockAll(Collection<String> connectionIds) {
        if (connectionIds.isEmpty()) {
            return List.of();
        }
        return sql.execute(
                "locking requests",
                "select "
                        + COLUMNS
                        + " from job_request where connection_id = any (?)"
                        + " order by requested_at, connection_id"
                        + " for update skip locked",
                (connection, statement) -> {
                    List<WaitingRequest> locked = new ArrayList<>();
                    statement.setArray(
                            1,
                            connection.createArrayOf("text", connectionIds.toArray(String[]::new)));
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            locked.add(
                                    new WaitingRequest(
                                            rows.getString(1),
                                            rows.getObject(2, UUID.class),
                                            rows.getString(3),
                                            Arrays.asList(rows.getString(4).split(",")),
                                            rows.getInt(5),
                                            (Integer) rows.getObject(6),
                                            rows.getObject(7, OffsetDateTime.class).toInstant(),
                                            rows.getString(8)));
                        }
                    }
                    return locked;
                });
    }

    /**
     * Takes the used slots off locked requests: a request with none left is deleted, the others
     * keep the rest.
     */
    public void takeSlots(List<WaitingRequest> served, Map<String, Integer> taken) {
        List<String> done = new ArrayList<>();
        Map<String, Integer> left = new HashMap<>();
        for (WaitingRequest request : served) {
            int used = taken.getOrDefault(request.connectionId(), 0);
            if (used == 0) {
                continue;
            }
            if (used >= request.freeSlots()) {
                done.add(request.connectionId());
            } else {
                left.put(request.connectionId(), request.freeSlots() - used);
            }
        }
        deleteAll(done);
        if (left.isEmpty()) {
            return;
        }
        sql.execute(
                "updating requests",
                """
                update job_request r set free_slots = s.free_slots
                from unnest(?::text[], ?::int[]) as s (connection_id, free_slots)
                where r.connection_id = s.connection_id
                """,
                (connection, statement) -> {
                    statement.setArray(
                            1,
                            connection.createArrayOf("text", left.keySet().toArray(String[]::new)));
                    statement.setArray(
                            2,
                            connection.createArrayOf(
                                    "int4", left.values().toArray(Integer[]::new)));
                    return statement.executeUpdate();
                });
    }

    public int delete(String connectionId) {
        return deleteAll(List.of(connectionId));
    }

    /** Deletes the requests of these connections. */
    public int deleteAll(Collection<String> connectionIds) {
        if (connectionIds.isEmpty()) {
            return 0;
        }
        return sql.execute(
                "deleting requests",
                "delete from job_request where connection_id = any (?)",
                (connection, statement) -> {
                    statement.setArray(
                            1,
                            connection.createArrayOf("text", connectionIds.toArray(String[]::new)));
                    return statement.executeUpdate();
                });
    }

    /** Deletes the requests of every connection held by one gateway process. */
    public int deleteOfGateway(String gatewayInstance) {
        return sql.execute(
                "deleting requests of a gateway",
                "delete from job_request where gateway_instance = ?",
                (connection, statement) -> {
                    statement.setString(1, gatewayInstance);
                    return statement.executeUpdate();
                });
    }

    /** Connections waiting, oldest request first. */
    public List<String> waitingConnections() {
        return sql.execute(
                "listing requests",
                "select connection_id from job_request order by requested_at",
                (connection, statement) -> {
                    List<String> waiting = new ArrayList<>();
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            waiting.add(rows.getString(1));
                        }
                    }
                    return waiting;
                });
    }
}
