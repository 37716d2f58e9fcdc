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
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The scheduler's inbound topics. Values arrive as bytes and are decoded here so that a record that
 * does not decode is dead-lettered with its original bytes. Job requests and job events come in
 * batches (a poll of requests in one transaction, a poll of events in one per run of events or
 * other record); the other topics are processed one record per transaction.
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

    @Incoming(Channels.BUILDER_CONNECTIONS)
    @Blocking
    public CompletionStage<Void> builderConnection(KafkaRecord<String, byte[]> record) {
        return processing.single(
                record,
                Channels.BUILDER_CONNECTIONS,
                BuilderConnectionChange.class,
                change -> {
                    if (change instanceof BuilderConnectionChange.Connected connected) {
                        lifecycle.connected(connected);
                    } else if (change
                            instanceof BuilderConnectionChange.Disconnected disconnected) {
                        lifecycle.disconnected(disconnected);
                    }
                });
    }

    @Incoming(Channels.ARTIFACTS)
    @Blocking
    public CompletionStage<Void> artifactStored(KafkaRecord<String, byte[]> record) {
        return processing.single(
                record, Channels.ARTIFACTS, ArtifactStored.class, lifecycle::artifactStored);
    }

    @Incoming(Channels.GATEWAY_HEARTBEATS)
    @Blocking
    public CompletionStage<Void> gatewayHeartbeat(KafkaRecord<String, byte[]> record) {
        return processing.single(
                record, Channels.GATEWAY_HEARTBEATS, GatewayHeartbeat.class, gateways::heartbeat);
    }
}
