package dev.crateforge.scheduler.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Waiting requests, one per builder connection. Kept in the database rather than in memory so that
 * any replica can answer a request when a job arrives, and a restart loses none.
 */
@ApplicationScoped
public class JobRequestRepository {

    private final EntityManager em;

    public JobRequestRepository(EntityManager em) {
        this.em = em;
    }

    /** Stores the request, replacing the connection's previous one. */
    public void upsert(WaitingRequest request) {
        em.createNativeQuery(
                        """
                        insert into job_request (connection_id, builder_id, gateway_instance,
                            targets, free_slots, requested_at, received_at)
                        values (:connection, :builder, :gateway, string_to_array(:targets, ','),
                            :slots, :requestedAt, now())
                        on conflict (connection_id) do update set builder_id = excluded.builder_id,
                            gateway_instance = excluded.gateway_instance, targets = excluded.targets,
                            free_slots = excluded.free_slots, requested_at = excluded.requested_at,
                            received_at = now()
                        """)
                .setParameter("connection", request.connectionId())
                .setParameter("builder", request.builderId())
                .setParameter("gateway", request.gatewayInstance())
                .setParameter("targets", String.join(",", request.targets()))
                .setParameter("slots", request.freeSlots())
                .setParameter("requestedAt", request.requestedAt())
                .executeUpdate();
    }

    /**
     * Locks the connection's request unless another transaction is serving it already (that one
     * will see any job we would have offered).
     */
    @SuppressWarnings("unchecked")
    public Optional<WaitingRequest> lock(String connectionId) {
        List<Object[]> rows =
                em.createNativeQuery(
                                """
                                select connection_id, builder_id, gateway_instance,
                                    array_to_string(targets, ','), free_slots, requested_at
                                from job_request where connection_id = :connection
                                for update skip locked
                                """)
                        .setParameter("connection", connectionId)
                        .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = rows.get(0);
        return Optional.of(
                new WaitingRequest(
                        (String) r[0],
                        (java.util.UUID) r[1],
                        (String) r[2],
                        Arrays.asList(((String) r[3]).split(",")),
                        ((Number) r[4]).intValue(),
                        JobLogRepository.toInstant(r[5])));
    }

    public void setFreeSlots(String connectionId, int freeSlots) {
        if (freeSlots <= 0) {
            delete(connectionId);
            return;
        }
        em.createNativeQuery("update job_request set free_slots = :slots where connection_id = :c")
                .setParameter("slots", freeSlots)
                .setParameter("c", connectionId)
                .executeUpdate();
    }

    public int delete(String connectionId) {
        return em.createNativeQuery("delete from job_request where connection_id = :c")
                .setParameter("c", connectionId)
                .executeUpdate();
    }

    /** Connections waiting, oldest request first. */
    @SuppressWarnings("unchecked")
    public List<String> waitingConnections() {
        return em.createNativeQuery("select connection_id from job_request order by requested_at")
                .getResultList();
    }
}
