package dev.crateforge.protocol.message;

import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

import java.util.UUID;

/**
 * Stop working on this attempt of a job now: it was cancelled or reassigned, and its token no
 * longer works. The builder kills the build and sends nothing more for it.
 */
public record CancelJob(UUID jobId, Integer attempt, String reason) implements ServerMessage {

    public CancelJob {
        required(jobId, "jobId");
        range(attempt, "attempt", 1, 1000);
        nonBlank(reason, "reason", 512);
    }
}
