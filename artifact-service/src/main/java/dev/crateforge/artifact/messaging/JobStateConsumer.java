package dev.crateforge.artifact.messaging;

import dev.crateforge.artifact.service.JobStateService;
import dev.crateforge.messaging.consume.RecordProcessing;
import dev.crateforge.protocol.kafka.JobStateChanged;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads the scheduler's {@code JobStateChanged} records ({@code crateforge.job-states.v1}) into the
 * local job table, through the shared {@link RecordProcessing}: a record that does not decode goes
 * to the dead-letter topic and the channel carries on; a record that fails because the database is
 * down is retried with backoff until it is back, and nothing behind it is committed meanwhile.
 * Applying a change is idempotent, so a redelivery changes nothing.
 */
@ApplicationScoped
public class JobStateConsumer {

    /** The incoming channel, bound to {@code Topics.JOB_STATES} in application.properties. */
    public static final String CHANNEL = "job-states";

    private final JobStateService jobStates;
    private final RecordProcessing processing;

    public JobStateConsumer(JobStateService jobStates, RecordProcessing processing) {
        this.jobStates = jobStates;
        this.processing = processing;
    }

    @Incoming(CHANNEL)
    @Blocking
    public CompletionStage<Void> onJobState(KafkaRecord<String, byte[]> record) {
        return processing.single(record, CHANNEL, JobStateChanged.class, jobStates::apply);
    }
}
