package dev.crateforge.scheduler.messaging;

import dev.crateforge.messaging.consume.RecordProcessing;
import dev.crateforge.protocol.kafka.ArtifactStored;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.kafka.GatewayHeartbeat;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.scheduler.assignment.AssignmentService;
import dev.crateforge.scheduler.lifecycle.GatewayInstances;
import dev.crateforge.scheduler.lifecycle.LifecycleService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The scheduler's inbound topics. Values arrive as bytes and are decoded here so that a record that
 * does not decode is dead-lettered with its original bytes. Every topic but the gateways'
 * heartbeats comes in batches: a poll of requests, of builder connections or of stored artifacts in
 * one transaction, a poll of events in one per run of events or other record. A transaction costs
 * far more CPU than the work of one record (Hibernate's flush, the JTA commit, the database round
 * trips), so one per poll is what keeps the scheduler's CPU per job low. The heartbeats are a few
 * records a minute and stay one per transaction.
 *
 * <p>What happens to a record that fails is decided by the shared {@link RecordProcessing}, for
 * every channel alike: a record that can never be processed (it does not decode, or the code
 * rejects it) goes to the dead-letter topic; a record whose processing failed because the database
 * or the broker is down is retried with a doubling pause until it succeeds, and nothing behind it
 * is committed meanwhile. Offsets are committed to Kafka after processing; every handler is
 * idempotent, so a redelivery after a crash changes nothing.
 */
@ApplicationScoped
public class SchedulerConsumers {

    private final AssignmentService assignments;
    private final LifecycleService lifecycle;
    private final GatewayInstances gateways;
    private final RecordProcessing processing;

    public SchedulerConsumers(
            AssignmentService assignments,
            LifecycleService lifecycle,
            GatewayInstances gateways,
            RecordProcessing processing) {
        this.assignments = assignments;
        this.lifecycle = lifecycle;
        this.gateways = gateways;
        this.processing = processing;
    }

    /**
     * One poll of job-requests at a time ({@code batch=true}) in one transaction, with per-record
     * decoding and a one-by-one fallback ({@link RecordProcessing#batch}).
     */
    @Incoming(Channels.JOB_REQUESTS)
    @Blocking
    public CompletionStage<Void> jobRequests(KafkaRecordBatch<String, byte[]> batch) {
        return processing.batch(
                batch,
                Channels.JOB_REQUESTS,
                JobRequested.class,
                assignments::requestsReceived,
                assignments::requestReceived);
    }

    /**
     * One poll of job-events at a time ({@code batch=true}), handled by {@link
     * LifecycleService#activities}; should it fail for a reason of its own, record by record
     * ({@link RecordProcessing#batch}).
     */
    @Incoming(Channels.JOB_EVENTS)
    @Blocking
    public CompletionStage<Void> jobActivities(KafkaRecordBatch<String, byte[]> batch) {
        return processing.batch(
                batch,
                Channels.JOB_EVENTS,
                JobActivity.class,
                lifecycle::activities,
                lifecycle::activity);
    }

    /**
     * One poll of builder-connections at a time ({@code batch=true}) in one transaction ({@link
     * LifecycleService#connectionsChanged}), record by record should it fail for a reason of its
     * own.
     */
    @Incoming(Channels.BUILDER_CONNECTIONS)
    @Blocking
    public CompletionStage<Void> builderConnections(KafkaRecordBatch<String, byte[]> batch) {
        return processing.batch(
                batch,
                Channels.BUILDER_CONNECTIONS,
                BuilderConnectionChange.class,
                lifecycle::connectionsChanged,
                change -> lifecycle.connectionsChanged(List.of(change)));
    }

    /**
     * One poll of artifacts at a time ({@code batch=true}) in one transaction ({@link
     * LifecycleService#artifactsStored}), record by record should it fail for a reason of its own.
     */
    @Incoming(Channels.ARTIFACTS)
    @Blocking
    public CompletionStage<Void> artifactsStored(KafkaRecordBatch<String, byte[]> batch) {
        return processing.batch(
                batch,
                Channels.ARTIFACTS,
                ArtifactStored.class,
                lifecycle::artifactsStored,
                stored -> lifecycle.artifactsStored(List.of(stored)));
    }

    @Incoming(Channels.GATEWAY_HEARTBEATS)
    @Blocking
    public CompletionStage<Void> gatewayHeartbeat(KafkaRecord<String, byte[]> record) {
        return processing.single(
                record, Channels.GATEWAY_HEARTBEATS, GatewayHeartbeat.class, gateways::heartbeat);
    }
}
