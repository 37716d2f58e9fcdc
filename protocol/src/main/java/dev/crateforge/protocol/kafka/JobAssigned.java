package dev.crateforge.protocol.kafka;

import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.required;

import dev.crateforge.protocol.message.JobAssignment;
import java.time.Instant;
import java.util.UUID;

/**
 * The scheduler gave a job to a builder connection ({@link Topics#JOB_ASSIGNMENTS}, key builder
 * id). The gateway replica named by {@code gatewayInstance} sends the assignment to the connection
 * as it is; any other replica ignores the record.
 */
public record JobAssigned(
        UUID builderId,
        String connectionId,
        String gatewayInstance,
        JobAssignment assignment,
        Instant assignedAt) {

    public JobAssigned {
        required(builderId, "builderId");
        nonBlank(connectionId, "connectionId", 64);
        nonBlank(gatewayInstance, "gatewayInstance", 128);
        required(assignment, "assignment");
        required(assignedAt, "assignedAt");
    }
}
