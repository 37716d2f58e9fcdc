package dev.crateforge.gateway.messaging;

import dev.crateforge.gateway.config.GatewayConfig;
import dev.crateforge.gateway.config.GatewayInstance;
import dev.crateforge.gateway.service.DetachedWork;
import dev.crateforge.protocol.kafka.GatewayHeartbeat;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Tells the scheduler that this gateway process is alive: a {@link GatewayHeartbeat} at start and
 * then every {@code crateforge.gateway.heartbeat-interval}. A process that dies without a word
 * (kill -9, a lost node) publishes no Disconnected records; its heartbeats stopping for longer than
 * the lease is how the scheduler learns that its connections are gone. The first heartbeat of a new
 * process of the same pod lets the scheduler retire the earlier process's connections at once.
 */
@ApplicationScoped
public class GatewayHeartbeats {

    private final GatewayPublisher publisher;
    private final GatewayInstance instance;
    private final DetachedWork detached;
    private final int leaseSeconds;

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

    /** The scheduler runs this once right at start (no delay), then every interval. */
    @Scheduled(
            identity = "gateway-heartbeat",
            every = "${crateforge.gateway.heartbeat-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void beat() {
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
