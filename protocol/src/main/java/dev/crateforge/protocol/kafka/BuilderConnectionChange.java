package dev.crateforge.protocol.kafka;

import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.required;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.UUID;

/**
 * A builder connection came or went ({@link Topics#BUILDER_CONNECTIONS}, key builder id). The
 * scheduler drops a gone connection's waiting requests and, after a grace period, requeues its
 * jobs.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = BuilderConnectionChange.Connected.class, name = "connected"),
    @JsonSubTypes.Type(value = BuilderConnectionChange.Disconnected.class, name = "disconnected")
})
public sealed interface BuilderConnectionChange {

    UUID builderId();

    String connectionId();

    /** An authenticated connection opened. */
    record Connected(
            UUID builderId,
            String builderName,
            String connectionId,
            String gatewayInstance,
            Instant at)
            implements BuilderConnectionChange {
        public Connected {
            required(builderId, "builderId");
            nonBlank(builderName, "builderName", 128);
            nonBlank(connectionId, "connectionId", 64);
            nonBlank(gatewayInstance, "gatewayInstance", 128);
            required(at, "at");
        }
    }

    /** An authenticated connection closed, for the reason given. */
    record Disconnected(
            UUID builderId, String connectionId, String gatewayInstance, String reason, Instant at)
            implements BuilderConnectionChange {
        public Disconnected {
            required(builderId, "builderId");
            nonBlank(connectionId, "connectionId", 64);
            nonBlank(gatewayInstance, "gatewayInstance", 128);
            nonBlank(reason, "reason", 512);
            required(at, "at");
        }
    }
}
