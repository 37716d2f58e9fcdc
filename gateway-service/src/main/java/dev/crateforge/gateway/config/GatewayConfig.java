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
     * This replica's name, written into job requests so that assignments come back to it; also
     * names its Kafka consumer group. Default: the HOSTNAME variable, else a random id.
     */
    String instanceId();

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

    /** Connections that may wait for authentication at once; more are closed with 1008. */
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
