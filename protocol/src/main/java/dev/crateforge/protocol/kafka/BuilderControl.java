package dev.crateforge.protocol.kafka;

import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.UUID;

/**
 * An order for whichever gateway replica holds a builder's connection ({@link
 * Topics#BUILDER_CONTROL}, key builder id). Every replica reads every record.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = BuilderControl.CancelAttempt.class, name = "cancel"),
    @JsonSubTypes.Type(value = BuilderControl.Disconnect.class, name = "disconnect"),
    @JsonSubTypes.Type(value = BuilderControl.UnknownJob.class, name = "unknown_job")
})
public sealed interface BuilderControl {

    UUID builderId();

    /** Tell the builder to stop an attempt (cancelled, or reassigned after its lease ran out). */
    record CancelAttempt(UUID builderId, UUID jobId, Integer attempt, String reason)
            implements BuilderControl {
        public CancelAttempt {
            required(builderId, "builderId");
            required(jobId, "jobId");
            range(attempt, "attempt", 1, 1000);
            nonBlank(reason, "reason", 512);
        }
    }

    /** Close every connection of the builder (it was disabled or deleted). */
    record Disconnect(UUID builderId, String reason) implements BuilderControl {
        public Disconnect {
            required(builderId, "builderId");
            nonBlank(reason, "reason", 512);
        }
    }

    /**
     * The builder reported on a job attempt it does not hold (another builder's job, or an attempt
     * that is no longer current): the gateway tells it with an {@code error} of code {@code
     * unknown_job}, so that the builder forgets the job instead of waiting on it.
     */
    record UnknownJob(UUID builderId, UUID jobId, Integer attempt, String reason)
            implements BuilderControl {
        public UnknownJob {
            required(builderId, "builderId");
            required(jobId, "jobId");
            range(attempt, "attempt", 1, 1000);
            nonBlank(reason, "reason", 512);
        }
    }
}
