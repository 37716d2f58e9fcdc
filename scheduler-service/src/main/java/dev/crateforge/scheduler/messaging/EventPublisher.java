package dev.crateforge.scheduler.messaging;

import dev.crateforge.protocol.kafka.BuilderControl;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.kafka.JobStateChanged;
import dev.crateforge.protocol.kafka.Provenance;
import dev.crateforge.scheduler.repository.Job;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes the scheduler's records once the transaction that caused them has committed, so that no
 * other part ever hears of a state the database rolled back. A crash between commit and send loses
 * the record; the lease sweep repairs a lost assignment, and the next state change repairs a lost
 * state (see docs/scheduler.md).
 */
@ApplicationScoped
public class EventPublisher {

    private final TransactionSynchronizationRegistry transactions;
    private final Emitter<Record<String, JobAssigned>> assignments;
    private final Emitter<Record<String, JobStateChanged>> states;
    private final Emitter<Record<String, BuilderControl>> control;

    public EventPublisher(
            TransactionSynchronizationRegistry transactions,
            @Channel(Channels.JOB_ASSIGNMENTS)
                    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 65536)
                    Emitter<Record<String, JobAssigned>> assignments,
            @Channel(Channels.JOB_STATES)
                    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 65536)
                    Emitter<Record<String, JobStateChanged>> states,
            @Channel(Channels.BUILDER_CONTROL)
                    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 65536)
                    Emitter<Record<String, BuilderControl>> control) {
        this.transactions = transactions;
        this.assignments = assignments;
        this.states = states;
        this.control = control;
    }

    /** Key: builder id, so that one builder's assignments stay in order. */
    public void jobAssigned(JobAssigned assigned) {
        afterCommit(
                () ->
                        send(
                                assignments,
                                Record.of(assigned.builderId().toString(), assigned),
                                "assignment"));
    }

    /** Key: job id. Sent on every state change; the artifact service keeps the latest. */
    public void stateChanged(Job job) {
        Provenance provenance =
                job.statement == null
                        ? null
                        : new Provenance(job.statement, job.signature, job.builderPublicKey);
        JobStateChanged change =
                new JobStateChanged(
                        job.id,
                        job.attempt,
                        job.state,
                        job.state == dev.crateforge.protocol.job.JobState.QUEUED
                                ? null
                                : job.builderId,
                        job.crate,
                        job.version,
                        job.target,
                        job.kind,
                        provenance,
                        Instant.now());
        stateChanged(change);
    }

    /** Key: job id. */
    public void stateChanged(JobStateChanged change) {
        afterCommit(
                () -> send(states, Record.of(change.jobId().toString(), change), "state change"));
    }

    /** Key: builder id. Tells whichever gateway holds the builder to stop the attempt. */
    public void cancelAttempt(UUID builderId, UUID jobId, int attempt, String reason) {
        BuilderControl.CancelAttempt cancel =
                new BuilderControl.CancelAttempt(builderId, jobId, attempt, reason);
        afterCommit(() -> send(control, Record.of(builderId.toString(), cancel), "cancel attempt"));
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

    private static <T> void send(Emitter<T> emitter, T record, String what) {
        emitter.send(record)
                .whenComplete(
                        (ok, failure) -> {
                            if (failure != null) {
                                Log.errorf(failure, "Could not publish %s", what);
                            }
                        });
    }
}
