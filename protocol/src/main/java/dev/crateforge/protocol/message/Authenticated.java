package dev.crateforge.protocol.message;

import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

import java.util.UUID;

/**
 * Sent once the challenge verified: the builder may now request jobs.
 *
 * @param maxMessageBytes the largest text frame the gateway accepts from now on
 */
public record Authenticated(UUID builderId, String builderName, Integer maxMessageBytes)
        implements ServerMessage {

    public Authenticated {
        required(builderId, "builderId");
        nonBlank(builderName, "builderName", 128);
        range(maxMessageBytes, "maxMessageBytes", 1024, 64 * 1024 * 1024);
    }
}
