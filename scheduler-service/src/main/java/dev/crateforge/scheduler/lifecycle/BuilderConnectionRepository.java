package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.scheduler.logs.JobLogRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builder connections from the gateway's connection records: who is online, who just left. */
@ApplicationScoped
public class BuilderConnectionRepository {

    private final EntityManager em;

    public BuilderConnectionRepository(EntityManager em) {
        this.em = em;
    }

    public void connected(BuilderConnectionChange.Connected change) {
        // A late "connected" must not reopen a connection already seen closed.
        em.createNativeQuery(
                        """
                        insert into builder_connection (connection_id, builder_id, builder_name,
                            gateway_instance, connected_at)
                        values (:c, :b, :name, :gw, :at)
                        on conflict (connection_id) do nothing
                        """)
                .setParameter("c", change.connectionId())
                .setParameter("b", change.builderId())
                .setParameter("name", change.builderName())
                .setParameter("gw", change.gatewayInstance())
                .setParameter("at", change.at())
                .executeUpdate();
    }

    public void disconnected(BuilderConnectionChange.Disconnected change) {
        em.createNativeQuery(
                        """
                        insert into builder_connection (connection_id, builder_id, builder_name,
                            gateway_instance, connected_at, disconnected_at)
                        values (:c, :b, '?', :gw, :at, :at)
                        on conflict (connection_id) do update
                            set disconnected_at = excluded.disconnected_at
                        """)
                .setParameter("c", change.connectionId())
                .setParameter("b", change.builderId())
                .setParameter("gw", change.gatewayInstance())
                .setParameter("at", change.at())
                .executeUpdate();
    }

    public List<OnlineBuilder> online() {
        return open(null);
    }

    /** The open connections held by one gateway process. */
    public List<OnlineBuilder> openOn(String gatewayInstance) {
        return open(gatewayInstance);
    }

    @SuppressWarnings("unchecked")
    private List<OnlineBuilder> open(String gatewayInstance) {
        var query =
                em.createNativeQuery(
                        """
                        select builder_id, builder_name, connection_id, gateway_instance,
                            connected_at
                        from builder_connection where disconnected_at is null
                        """
                                + (gatewayInstance == null ? "" : " and gateway_instance = :gw")
                                + " order by builder_name, connected_at");
        if (gatewayInstance != null) {
            query.setParameter("gw", gatewayInstance);
        }
        List<Object[]> rows = query.getResultList();
        return rows.stream()
                .map(
                        r ->
                                new OnlineBuilder(
                                        (UUID) r[0],
                                        (String) r[1],
                                        (String) r[2],
                                        (String) r[3],
                                        JobLogRepository.toInstant(r[4])))
                .toList();
    }

    /** Forgets connections closed before {@code before}. */
    public int purgeClosedBefore(Instant before) {
        return em.createNativeQuery(
                        "delete from builder_connection where disconnected_at < :before")
                .setParameter("before", before)
                .executeUpdate();
    }
}
