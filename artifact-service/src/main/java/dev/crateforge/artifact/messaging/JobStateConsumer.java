package dev.crateforge.artifact.messaging;

import dev.crateforge.artifact.service.JobStateService;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.kafka.JobStateChanged;
import dev.crateforge.protocol.kafka.RecordCodec;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads the scheduler's {@code JobStateChanged} records ({@code crateforge.job-states.v1}) into the
 * local job table. Values arrive as bytes and are decoded here with the protocol's strict codec: a
 * record that does not decode is logged and sent to the dead-letter topic by the failure strategy,
 * and the channel carries on.
 */
@ApplicationScoped
public class JobStateConsumer {

    /** The incoming channel, bound to {@code Topics.JOB_STATES} in application.properties. */
    public static final String CHANNEL = "job-states";

    private final JobStateService jobStates;

    public JobStateConsumer(JobStateService jobStates) {
        this.jobStates = jobStates;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onJobState(byte[] value) throws ProtocolDecodeException {
        JobStateChanged change;
        try {
            change = RecordCodec.decode(value, JobStateChanged.class);
        } catch (ProtocolDecodeException e) {
            Log.warnf(
                    "Undecodable job state record, sent to the dead-letter topic: %s",
                    e.getMessage());
            throw e;
        }
        jobStates.apply(change);
    }
}
