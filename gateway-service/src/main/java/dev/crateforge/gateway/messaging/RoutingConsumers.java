package dev.crateforge.gateway.messaging;

import dev.crateforge.gateway.config.GatewayInstance;
import dev.crateforge.gateway.service.BuilderDirectory;
import dev.crateforge.gateway.service.GatewayMetrics;
import dev.crateforge.gateway.websocket.BuilderSessions;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.kafka.BuilderControl;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.kafka.RecordCodec;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads the two topics every gateway replica reads in full, each under this replica's own consumer
 * group, and lets the {@link AssignmentRouter} act on the records for builders held here.
 *
 * <p>Values arrive as bytes and are decoded here, so that a record that does not decode is a failed
 * message (sent to the dead-letter topic by the channel's failure strategy) instead of a
 * deserializer error that would stop the channel.
 */
@ApplicationScoped
public class RoutingConsumers {

    private final AssignmentRouter router;
    private final BuilderDirectory directory;
    private final GatewayMetrics metrics;

    public RoutingConsumers(
            BuilderSessions sessions,
            GatewayPublisher publisher,
            BuilderDirectory directory,
            GatewayMetrics metrics,
            GatewayInstance instance) {
        this.router = new AssignmentRouter(instance, sessions, publisher::jobActivity);
        this.directory = directory;
        this.metrics = metrics;
    }

    @Incoming(Channels.JOB_ASSIGNMENTS)
    public Uni<Void> assignment(byte[] value) throws ProtocolDecodeException {
        JobAssigned assigned = decode(value, JobAssigned.class, Channels.JOB_ASSIGNMENTS);
        return router.route(assigned)
                .invoke(outcome -> metrics.consumed(Channels.JOB_ASSIGNMENTS, outcome.name()))
                .replaceWithVoid();
    }

    @Incoming(Channels.BUILDER_CONTROL)
    public Uni<Void> control(byte[] value) throws ProtocolDecodeException {
        BuilderControl control = decode(value, BuilderControl.class, Channels.BUILDER_CONTROL);
        if (control instanceof BuilderControl.Disconnect) {
            // Whatever this replica cached about the builder is stale now.
            directory.invalidate(control.builderId(), null);
        }
        return router.control(control)
                .invoke(outcome -> metrics.consumed(Channels.BUILDER_CONTROL, outcome.name()))
                .replaceWithVoid();
    }

    private <T> T decode(byte[] value, Class<T> type, String channel)
            throws ProtocolDecodeException {
        try {
            return RecordCodec.decode(value, type);
        } catch (ProtocolDecodeException e) {
            metrics.consumed(channel, "POISON");
            Log.errorf(
                    "undecodable record on %s, sent to the dead-letter topic: %s",
                    channel, e.getMessage());
            throw e;
        }
    }
}
