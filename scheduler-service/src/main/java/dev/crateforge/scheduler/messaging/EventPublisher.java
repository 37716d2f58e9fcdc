package dev.crateforge.scheduler.messaging;

import dev.crateforge.messaging.outbox.Outbox;
import dev.crateforge.messaging.outbox.OutboxRecord;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.BuilderControl;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.kafka.JobStateChanged;
import dev.crateforge.protocol.kafka.Provenance;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.protocol.kafka.VersionYankChanged;
import dev.crateforge.scheduler.job.Job;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Publishes the scheduler's records through the transactional {@link Outbox}: each record is
 * written in the transaction of the change that caused it and relayed to Kafka once that commits,
 * so a record exists exactly when its change does and none is lost to a crash between commit and
 * send. Callers that publish many records at once build them with {@link #assignment} and {@link
 * #state} and hand them over with {@link #publish(List)}: one insert for all.
 */
@ApplicationScoped
public class EventPublisher {

    private final Outbox outbox;

    public EventPublisher(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Writes the records into the current transaction's outbox. */
    public void publish(List<OutboxRecord> records) {
        outbox.add(records);
    }

    /** Key: builder id, so that one builder's assignments stay in order. */
    public OutboxRecord assignment(JobAssigned assigned) {
        return outbox.record(Topics.JOB_ASSIGNMENTS, assigned.builderId().toString(), assigned);
    }

    /** Key: job id. Sent on every state change; the artifact service keeps the latest. */
    public OutboxRecord state(JobStateChanged change) {
        return outbox.record(Topics.JOB_STATES, change.jobId().toString(), change);
    }

    /** Key: registry and crate, so that one crate's yanks and unyanks stay in order. */
    public OutboxRecord yank(VersionYankChanged change) {
        return outbox.record(Topics.VERSION_YANKS, change.key(), change);
    }

    /** Key: builder id. Tells whichever gateway holds the builder. */
    public OutboxRecord control(BuilderControl order) {
        return outbox.record(Topics.BUILDER_CONTROL, order.builderId().toString(), order);
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
                at,
                job.reproduction());
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
}
