package dev.crateforge.protocol.message;

import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

import java.util.UUID;

/**
 * The gateway verified a {@link JobResponse} and handed it on durably; the builder may forget the
 * job.
 */
public record JobResponseAccepted(UUID jobId, Integer attempt) implements ServerMessage {

    public JobResponseAccepted {
        required(jobId, "jobId");
        range(attempt, "attempt", 1, 1000);
    }
}
