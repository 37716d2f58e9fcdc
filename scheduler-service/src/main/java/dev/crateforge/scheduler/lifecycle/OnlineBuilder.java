package dev.crateforge.scheduler.lifecycle;

import java.time.Instant;
import java.util.UUID;

/** A builder connection that is open now, as the gateway reported it. */
public record OnlineBuilder(
        UUID builderId,
        String builderName,
        String connectionId,
        String gatewayInstance,
        Instant connectedAt) {}
