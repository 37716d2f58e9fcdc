package dev.crateforge.protocol.message;

import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

import java.util.UUID;

/**
 * Something that happened in one attempt of a job: a log line, a stage change or a heartbeat.
 *
 * @param seq numbered from 1 per attempt, without gaps; the scheduler stores each (job, attempt,
 *     seq) once, so a builder may resend after a reconnect
 */
public record JobEvent(UUID jobId, Integer attempt, Long seq, JobEventBody event)
        implements ClientMessage {

    public JobEvent {
        required(jobId, "jobId");
        range(attempt, "attempt", 1, 1000);
        range(seq, "seq", 1L, Long.MAX_VALUE);
        required(event, "event");
    }
}
