package dev.crateforge.gateway.messaging;

import dev.crateforge.gateway.config.GatewayConfig;
import dev.crateforge.gateway.config.GatewayInstance;
import dev.crateforge.gateway.service.DetachedWork;
import dev.crateforge.protocol.kafka.GatewayHeartbeat;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;

/**
 * Tells the scheduler that this gateway process is alive: a {@link GatewayHeartbeat} at start and
 * then every {@code crateforge.gateway.heartbeat-interval}. A process that dies without a word
 * (kill -9, a lost node) publishes no Disconnected records; its heartbeats stopping for longer than
 * the lease is how the scheduler learns that its connections are gone. The first heartbeat of a new
 * process of the same pod lets the scheduler retire the earlier process's connections at once.
 *
 * <p>Beats only between start-up and shutdown: the scheduler's timers start before the messaging
 * channels are connected (and outlive them at shutdown), and a beat in either gap failed with
 * {@code SRMSG00019} and lost the first heartbeat, the one that matters most after a restart.
 */
@ApplicationScoped
public class GatewayHeartbeats {

    private final GatewayPublisher publisher;
    private final GatewayInstance instance;
    private final DetachedWork detached;
    private final int leaseSeconds;
    private volatile boolean beating;

    public GatewayHeartbeats(
            GatewayPublisher publisher,
            GatewayInstance instance,
            DetachedWork detached,
            GatewayConfig config) {
        this.publisher = publisher;
        this.instance = instance;
        this.detached = detached;
        this.leaseSeconds = (int) Math.max(1, config.heartbeatLease().toSeconds());
    }

    /**
     * The first beat, once the channels are connected: at the default priority this observer runs
     * after SmallRye Reactive Messaging's own (library priority), which connects the emitters.
     */
    void onStart(@Observes StartupEvent event) {
        beating = true;
        beat();
    }

    /** Before the channels close: no beat may race with them. */
    void onStop(@Observes ShutdownEvent event) {
        beating = false;
    }

    /**
     * Every interval while the application runs (the scheduler's immediate first run is a no-op).
     */
    @Scheduled(
            identity = "gateway-heartbeat",
            every = "${crateforge.gateway.heartbeat-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void beat() {
        if (!beating) {
            return;
        }
        detached.run(
                publisher.heartbeat(
                        new GatewayHeartbeat(
                                instance.name(),
                                instance.pod(),
                                instance.startedAt(),
                                leaseSeconds,
                                Instant.now())),
                DetachedWork.Action.PUBLISH_HEARTBEAT,
                instance.name());
    }
}
