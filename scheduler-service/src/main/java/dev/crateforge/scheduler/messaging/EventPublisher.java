package dev.crateforge.scheduler.messaging;

import dev.crateforge.messaging.outbox.Outbox;
import dev.crateforge.messaging.outbox.OutboxRecord;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.BuilderControl;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.kafka.JobStateChanged;
import dev.crateforge.protocol.kafka.Provenance;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.scheduler.job.Job;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes the scheduler's records through the transactional {@link Outbox}: each record is
 * written in the transaction of the change that caused it and relayed to Kafka once that commits,
 * so a record exists exactly when its change does and none is lost to a crash between commit and
 * send. Callers that publish many records at once build them with {@link #assignment} and {@link
 * #state} and hand them over with {@link #publish(List)}: one insert for all.
 */
@ApplicationScoped
public class EventPublisher {

    private final TransactionSynchronizationRegistry transactions;
    private final Outbox outbox;
    private final String assignmentsTopic;
    private final String statesTopic;
    private final String controlTopic;

    public EventPublisher(
            TransactionSynchronizationRegistry transactions,
            Outbox outbox,
            @ConfigProperty(name = "crateforge.kafka.topic-prefix") Optional<String> prefix) {
        this.transactions = transactions;
        this.outbox = outbox;
        String p = prefix.orElse("");
        this.assignmentsTopic = Topics.prefixed(p, Topics.JOB_ASSIGNMENTS);
        this.statesTopic = Topics.prefixed(p, Topics.JOB_STATES);
        this.controlTopic = Topics.prefixed(p, Topics.BUILDER_CONTROL);
    }

    /** Writes the records into the current transaction's outbox. */
    public void publish(List<OutboxRecord> records) {
        outbox.add(records);
    }

    /** Key: builder id, so that one builder's assignments stay in order. */
    public OutboxRecord assignment(JobAssigned assigned) {
        return new OutboxRecord(
                assignmentsTopic, assigned.builderId().toString(), RecordCodec.encode(assigned));
    }

    /** Key: job id. Sent on every state change; the artifact service keeps the latest. */
    public OutboxRecord state(JobStateChanged change) {
        return new OutboxRecord(statesTopic, change.jobId().toString(), RecordCodec.encode(change));
    }

    /** Key: builder id. Tells whichever gateway holds the builder. */
    public OutboxRecord control(BuilderControl order) {
        return new OutboxRecord(
                controlTopic, order.builderId().toString(), RecordCodec.encode(order));
    }

    /** The job's current state as a {@link JobStateChanged} record. */
    public static JobStateChanged changeOf(Job job, Instant at) {
        Provenance provenance = job.provenance();
        return new JobStateChanged(
                job.id,
                job.attempt,
                job.state,
                job.state == JobState.QUEUED ? null : job.builderId,
                job.crate,
                job.version,
                job.target,
                job.kind,
                provenance,
                at);
    }

    /** Key: job id. */
    public void stateChanged(Job job) {
        stateChanged(changeOf(job, Instant.now()));
    }

    /** Key: job id. */
    public void stateChanged(JobStateChanged change) {
        publish(List.of(state(change)));
    }

    /** Key: builder id. Tells whichever gateway holds the builder to stop the attempt. */
    public void cancelAttempt(UUID builderId, UUID jobId, int attempt, String reason) {
        publish(
                List.of(
                        control(
                                new BuilderControl.CancelAttempt(
                                        builderId, jobId, attempt, reason))));
    }

    /** Key: builder id. Tells the builder it reported on an attempt it does not hold. */
    public void unknownJob(UUID builderId, UUID jobId, int attempt, String reason) {
        publish(List.of(control(new BuilderControl.UnknownJob(builderId, jobId, attempt, reason))));
    }

    /** Runs {@code action} after the current transaction commits, or now if there is none. */
    public void afterCommit(Runnable action) {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            action.run();
            return;
        }
        transactions.registerInterposedSynchronization(
                new Synchronization() {
                    @Override
                    public void beforeCompletion() {}

                    @Override
                    public void afterCompletion(int status) {
                        if (status == Status.STATUS_COMMITTED) {
                            action.run();
                        }
                    }
                });
    }
}
