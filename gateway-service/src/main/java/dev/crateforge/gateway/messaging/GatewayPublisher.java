package dev.crateforge.gateway.messaging;

import dev.crateforge.gateway.service.GatewayMetrics;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.kafka.GatewayHeartbeat;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.protocol.kafka.Topics;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Everything the gateway writes to Kafka, keyed as {@link Topics} prescribes. Each method answers
 * with a {@link Uni} that completes when the broker acknowledged the record ({@code acks=all}), so
 * that a caller can wait before telling the builder its message is safe. A failed send is timed as
 * failed here and logged by the caller, which knows what it cost.
 */
@ApplicationScoped
public class GatewayPublisher {

    private final MutinyEmitter<JobRequested> jobRequests;
    private final MutinyEmitter<JobActivity> jobEvents;
    private final MutinyEmitter<BuilderConnectionChange> connections;
    private final MutinyEmitter<GatewayHeartbeat> heartbeats;
    private final GatewayMetrics metrics;

    public GatewayPublisher(
            @Channel(Channels.JOB_REQUESTS) MutinyEmitter<JobRequested> jobRequests,
            @Channel(Channels.JOB_EVENTS) MutinyEmitter<JobActivity> jobEvents,
            @Channel(Channels.BUILDER_CONNECTIONS)
                    MutinyEmitter<BuilderConnectionChange> connections,
            @Channel(Channels.GATEWAY_HEARTBEATS) MutinyEmitter<GatewayHeartbeat> heartbeats,
            GatewayMetrics metrics) {
        this.jobRequests = jobRequests;
        this.jobEvents = jobEvents;
        this.connections = connections;
        this.heartbeats = heartbeats;
        this.metrics = metrics;
    }

    public Uni<Void> jobRequested(JobRequested record) {
        return send(jobRequests, Topics.JOB_REQUESTS, record.builderId().toString(), record);
    }

    public Uni<Void> jobActivity(JobActivity record) {
        return send(jobEvents, Topics.JOB_EVENTS, record.jobId().toString(), record);
    }

    public Uni<Void> connectionChanged(BuilderConnectionChange record) {
        return send(connections, Topics.BUILDER_CONNECTIONS, record.builderId().toString(), record);
    }

    public Uni<Void> heartbeat(GatewayHeartbeat record) {
        return send(heartbeats, Topics.GATEWAY_HEARTBEATS, record.gatewayInstance(), record);
    }

    private <T> Uni<Void> send(MutinyEmitter<T> emitter, String topic, String key, T value) {
        return Uni.createFrom()
                .deferred(
                        () -> {
                            Timer.Sample sample = metrics.startPublish();
                            // Built with its metadata: addMetadata would copy it into a new map.
                            Message<T> message =
                                    Message.of(
                                            value,
                                            Metadata.of(
                                                    OutgoingKafkaRecordMetadata.<String>builder()
                                                            .withKey(key)
                                                            .build()));
                            return emitter.sendMessage(message)
                                    .onItemOrFailure()
                                    .invoke(
                                            (ignored, failure) -> {
                                                metrics.stopPublish(sample, topic, failure == null);
                                                // The caller logs at the level the
                                                // failure deserves (see DetachedWork).
                                                if (failure != null) {
                                                    Log.debugf(
                                                            "publishing to %s (key %s) failed: %s",
                                                            topic, key, failure.toString());
                                                }
                                            });
                        });
    }
}
