package dev.crateforge.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Everything an operator can tune in the gateway, under {@code crateforge.gateway}. Defaults fit
 * the limits of DESIGN.md ("Limits everywhere").
 */
@ConfigMapping(prefix = "crateforge.gateway")
public interface GatewayConfig {

    /**
     * The stable name of this replica's pod (or host): names its Kafka consumer group and is its
     * static group member id, so that offsets survive a restart and a restarted pod rejoins at
     * once. Each process adds a random incarnation to it for the records it publishes (see {@link
     * GatewayInstance}). Default: the HOSTNAME variable, else a random id. At most 119 characters,
     * without '~'.
     */
    String instanceId();

    /**
     * How often this process publishes a {@code GatewayHeartbeat}; the first goes out at start.
     * Keep it well below {@link #heartbeatLease()}.
     */
    @WithDefault("5s")
    Duration heartbeatInterval();

    /**
     * How long after a heartbeat the scheduler counts this process as alive; when heartbeats stop
     * for longer (a kill -9, a lost node) it retires the process's connections.
     */
    @WithDefault("20s")
    Duration heartbeatLease();

    /** Time from the WebSocket upgrade until the builder must be authenticated. */
    @WithDefault("10s")
    Duration authTimeout();

    /** Largest text frame, in UTF-8 bytes, accepted before authentication. */
    @WithDefault("8192")
    int preAuthMaxMessageBytes();

    /**
     * Largest text frame, in UTF-8 bytes, accepted after authentication; keep {@code
     * quarkus.websockets-next.server.max-message-size} at least this large.
     */
    @WithDefault("1048576")
    int maxMessageBytes();

    /** Connections that may wait for authentication at once; more are closed with 1013. */
    @WithDefault("2000")
    int maxPendingConnections();

    /**
     * How long a builder registry lookup is cached; bounds how late a change on another replica is
     * seen.
     */
    @WithDefault("5s")
    Duration registryCacheTtl();

    /**
     * How often last-seen times are written and open connections are checked against the registry
     * (disabled or deleted builders are closed).
     */
    @WithDefault("5s")
    Duration revalidateInterval();
}
