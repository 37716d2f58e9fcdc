package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.protocol.kafka.GatewayHeartbeat;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * Gateway processes, known by their heartbeats, and the retirement of dead ones. A gateway killed
 * without a word sends no {@code Disconnected} records, so its builders would stay "online" and
 * their requests would wait forever. An instance is retired, and every connection it held treated
 * as disconnected ({@link LifecycleService#gatewayGone}), when a newer instance of the same pod
 * starts, or when its last heartbeat is older than its lease. Instances that never sent a heartbeat
 * (older gateways) are not in the table and are never retired.
 *
 * <p>"Older than its lease" is measured against the newest heartbeat this scheduler has processed,
 * not only against the clock: while the heartbeats consumer is behind (after a database outage,
 * say), every instance looks stale by the clock, and retiring them would disconnect healthy
 * builders. The price: when every gateway is gone at once, nothing is retired until one comes back
 * (its pod's new instance then retires the old one at once).
 */
@ApplicationScoped
@Transactional
public class GatewayInstances {

    private final EntityManager em;
    private final LifecycleService lifecycle;

    public GatewayInstances(EntityManager em, LifecycleService lifecycle) {
        this.em = em;
        this.lifecycle = lifecycle;
    }

    /** Records the heartbeat, and retires older instances of the same pod. */
    public void heartbeat(GatewayHeartbeat heartbeat) {
        em.createNativeQuery(
                        """
                        insert into gateway_instance (gateway_instance, pod, started_at,
                            lease_seconds, last_seen_at)
                        values (:gw, :pod, :started, :lease, now())
                        on conflict (gateway_instance) do update
                            set last_seen_at = now(), lease_seconds = excluded.lease_seconds
                        """)
                .setParameter("gw", heartbeat.gatewayInstance())
                .setParameter("pod", heartbeat.pod())
                .setParameter("started", heartbeat.startedAt())
                .setParameter("lease", heartbeat.leaseSeconds())
                .executeUpdate();
        List<String> replaced =
                lockLive(
                        "pod = :pod and started_at < :started and gateway_instance <> :gw",
                        heartbeat);
        for (String old : replaced) {
            retire(old, "gateway " + old + " was replaced by " + heartbeat.gatewayInstance());
        }
    }

    /**
     * Retires instances whose heartbeats stopped. Safe on every replica at once.
     *
     * @return the number retired
     */
    public int retireExpired() {
        List<String> expired =
                lockLive(
                        """
                        last_seen_at + make_interval(secs => lease_seconds) < now()
                        and last_seen_at + make_interval(secs => lease_seconds)
                            < (select max(last_seen_at) from gateway_instance)
                        """,
                        null);
        for (String instance : expired) {
            retire(instance, "gateway " + instance + " stopped sending heartbeats");
        }
        return expired.size();
    }

    @SuppressWarnings("unchecked")
    private List<String> lockLive(String condition, GatewayHeartbeat heartbeat) {
        var query =
                em.createNativeQuery(
                        "select gateway_instance from gateway_instance where retired_at is null and "
                                + condition
                                + " order by gateway_instance for update skip locked");
        if (heartbeat != null) {
            query.setParameter("pod", heartbeat.pod())
                    .setParameter("started", heartbeat.startedAt())
                    .setParameter("gw", heartbeat.gatewayInstance());
        }
        return query.getResultList();
    }

    private void retire(String instance, String reason) {
        Instant now = Instant.now();
        em.createNativeQuery(
                        "update gateway_instance set retired_at = now() where gateway_instance = :gw")
                .setParameter("gw", instance)
                .executeUpdate();
        Log.warnf("%s: its connections count as disconnected", reason);
        lifecycle.gatewayGone(instance, reason, now);
    }
}
