package dev.crateforge.scheduler.messaging;

import dev.crateforge.protocol.kafka.ArtifactStored;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.scheduler.service.AssignmentService;
import dev.crateforge.scheduler.service.LifecycleService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The scheduler's inbound topics. Values arrive as bytes and are decoded here so that a record that
 * does not decode is dead-lettered with its original bytes. Each record is processed in its own
 * transaction and committed to Kafka afterwards; every handler is idempotent, so a redelivery after
 * a crash changes nothing.
 */
@ApplicationScoped
public class SchedulerConsumers {

    private final AssignmentService assignments;
    private final LifecycleService lifecycle;

    public SchedulerConsumers(AssignmentService assignments, LifecycleService lifecycle) {
        this.assignments = assignments;
        this.lifecycle = lifecycle;
    }

    @Incoming(Channels.JOB_REQUESTS)
    @Blocking
    public void jobRequested(byte[] value) {
        assignments.requestReceived(
                RecordDecoding.decode(value, JobRequested.class, Channels.JOB_REQUESTS));
    }

    @Incoming(Channels.JOB_EVENTS)
    @Blocking
    public void jobActivity(byte[] value) {
        lifecycle.activity(RecordDecoding.decode(value, JobActivity.class, Channels.JOB_EVENTS));
    }

    @Incoming(Channels.BUILDER_CONNECTIONS)
    @Blocking
    public void builderConnection(byte[] value) {
        BuilderConnectionChange change =
                RecordDecoding.decode(
                        value, BuilderConnectionChange.class, Channels.BUILDER_CONNECTIONS);
        if (change instanceof BuilderConnectionChange.Connected connected) {
            lifecycle.connected(connected);
        } else if (change instanceof BuilderConnectionChange.Disconnected disconnected) {
            lifecycle.disconnected(disconnected);
        }
    }

    @Incoming(Channels.ARTIFACTS)
    @Blocking
    public void artifactStored(byte[] value) {
        lifecycle.artifactStored(
                RecordDecoding.decode(value, ArtifactStored.class, Channels.ARTIFACTS));
    }
}
