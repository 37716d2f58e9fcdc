package dev.crateforge.artifact.messaging;

import dev.crateforge.artifact.service.JobStateService;
import dev.crateforge.messaging.consume.RecordProcessing;
import dev.crateforge.protocol.kafka.JobStateChanged;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads the scheduler's {@code JobStateChanged} records ({@code crateforge.job-states.v1}) into the
 * local job table, through the shared {@link RecordProcessing}: a record that does not decode goes
 * to the dead-letter topic and the channel carries on; a record that fails because the database is
 * down is retried with backoff until it is back, and nothing behind it is committed meanwhile.
 * Applying a change is idempotent, so a redelivery changes nothing. A poll is applied in one
 * transaction: a transaction per record cost about a third of this service's CPU per job in the
 * pipeline (docs/performance-artifact.md).
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

    /**
     * One poll at a time ({@code batch=true}) in one transaction ({@link
     * JobStateService#applyAll}); should it fail for a reason of its own, record by record, so that
     * only a record that fails by itself is dead-lettered ({@link RecordProcessing#batch}). The
     * topic is keyed by job id, so a poll holds each job's changes in their order.
     */
    @Incoming(CHANNEL)
    @Blocking
    public CompletionStage<Void> onJobStates(KafkaRecordBatch<String, byte[]> batch) {
        return processing.batch(
                batch, CHANNEL, JobStateChanged.class, jobStates::applyAll, jobStates::apply);
    }
}
