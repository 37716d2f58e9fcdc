package dev.crateforge.protocol.message;

import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.text;

import java.util.UUID;

/**
 * A refused message that does not end the connection, for example a {@link JobResponse} whose
 * signature does not verify.
 *
 * @param code a stable, machine-readable code such as {@code invalid_signature}
 * @param jobId the job the refused message was about, if any
 */
public record ErrorMessage(String code, String message, UUID jobId) implements ServerMessage {

    public ErrorMessage {
        nonBlank(code, "code", 64);
        text(message, "message", 1024);
    }
}
