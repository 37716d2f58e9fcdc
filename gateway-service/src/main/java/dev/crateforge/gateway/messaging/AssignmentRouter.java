package dev.crateforge.gateway.messaging;

import dev.crateforge.gateway.config.GatewayInstance;
import dev.crateforge.gateway.websocket.BuilderSessions;
import dev.crateforge.gateway.websocket.LiveBuilder;
import dev.crateforge.gateway.websocket.SocketErrors;
import dev.crateforge.protocol.contract.SocketClose;
import dev.crateforge.protocol.contract.SocketError;
import dev.crateforge.protocol.kafka.BuilderControl;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.message.CancelJob;
import dev.crateforge.protocol.message.Jobs;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides what this process does with a record every replica reads: an assignment or control record
 * for a builder it holds is delivered, anything else is left to the replica that holds it.
 *
 * <p>Only assignments addressed to this process's own instance name are acted on. One addressed to
 * this process whose connection is gone is reported as {@link JobActivity.Undeliverable}, so that
 * the scheduler requeues the job at once. One addressed to an earlier process of this same pod
 * ({@link Outcome#EARLIER_INCARNATION}: read again from the pod's committed offsets after a
 * restart) is ignored: that process may well have delivered it, the builder may be building it now
 * on its new connection, and reporting it undeliverable would cancel a healthy build. The scheduler
 * retires the earlier process's connections by its heartbeats instead.
 *
 * <p>Plain class, no CDI, so that two "replicas" can be exercised side by side in one test.
 */
public final class AssignmentRouter {

    /** What became of a record. */
    public enum Outcome {
        DELIVERED,
        UNDELIVERABLE,
        NOT_MINE,
        EARLIER_INCARNATION
    }

    private final GatewayInstance instance;
    private final BuilderSessions sessions;
    private final Function<JobActivity.Undeliverable, Uni<Void>> undeliverable;

    public AssignmentRouter(
            GatewayInstance instance,
            BuilderSessions sessions,
            Function<JobActivity.Undeliverable, Uni<Void>> undeliverable) {
        this.instance = instance;
        this.sessions = sessions;
        this.undeliverable = undeliverable;
    }

    public GatewayInstance instance() {
        return instance;
    }

    public Uni<Outcome> route(JobAssigned assigned) {
        if (instance.isOtherIncarnation(assigned.gatewayInstance())) {
            Log.infof(
                    "ignoring job %s attempt %d: addressed to %s, an earlier process of this pod",
                    assigned.assignment().jobId(),
                    assigned.assignment().attempt(),
                    assigned.gatewayInstance());
            return Uni.createFrom().item(Outcome.EARLIER_INCARNATION);
        }
        if (!instance.name().equals(assigned.gatewayInstance())) {
            return Uni.createFrom().item(Outcome.NOT_MINE);
        }
        Optional<LiveBuilder> live =
                sessions.find(assigned.builderId())
                        .filter(l -> l.connectionId().equals(assigned.connectionId()));
        if (live.isEmpty()) {
            return reportUndeliverable(assigned, "connection is gone");
        }
        LiveBuilder builder = live.get();
        return builder.send(new Jobs(List.of(assigned.assignment())))
                .replaceWith(Outcome.DELIVERED)
                .onFailure()
                .recoverWithUni(
                        failure -> reportUndeliverable(assigned, "sending to the builder failed"))
                .invoke(
                        outcome -> {
                            if (outcome == Outcome.DELIVERED) {
                                Log.infof(
                                        "delivered job %s attempt %d to builder %s connection %s",
                                        assigned.assignment().jobId(),
                                        assigned.assignment().attempt(),
                                        assigned.builderId(),
                                        assigned.connectionId());
                            }
                        });
    }

    /** Carries out a control record if the builder is held here. */
    public Uni<Outcome> control(BuilderControl control) {
        Optional<LiveBuilder> live = sessions.find(control.builderId());
        if (live.isEmpty()) {
            return Uni.createFrom().item(Outcome.NOT_MINE);
        }
        LiveBuilder builder = live.get();
        if (control instanceof BuilderControl.Disconnect disconnect) {
            Log.infof(
                    "closing builder %s connection %s: %s",
                    builder.builderId(), builder.connectionId(), disconnect.reason());
            builder.close(SocketClose.BUILDER_REVOKED);
            return Uni.createFrom().item(Outcome.DELIVERED);
        }
        if (control instanceof BuilderControl.UnknownJob unknown) {
            Log.infof(
                    "telling builder %s that it does not hold job %s attempt %d: %s",
                    builder.builderId(), unknown.jobId(), unknown.attempt(), unknown.reason());
            return deliver(
                    builder,
                    SocketErrors.of(
                            SocketError.UNKNOWN_JOB,
                            "attempt " + unknown.attempt() + ": " + unknown.reason(),
                            unknown.jobId()));
        }
        BuilderControl.CancelAttempt cancel = (BuilderControl.CancelAttempt) control;
        return deliver(builder, new CancelJob(cancel.jobId(), cancel.attempt(), cancel.reason()));
    }

    /**
     * Sends a control message. A failure means the socket closed meanwhile: the builder learns the
     * same on its next report after reconnecting, so it is counted ({@code UNDELIVERABLE}), not
     * retried.
     */
    private static Uni<Outcome> deliver(
            LiveBuilder builder, dev.crateforge.protocol.message.ServerMessage message) {
        return builder.send(message)
                .replaceWith(Outcome.DELIVERED)
                .onFailure()
                .recoverWithItem(
                        failure -> {
                            Log.debugf(
                                    "control message to connection %s not sent: %s",
                                    builder.connectionId(), failure.toString());
                            return Outcome.UNDELIVERABLE;
                        });
    }

    private Uni<Outcome> reportUndeliverable(JobAssigned assigned, String reason) {
        Log.infof(
                "job %s attempt %d undeliverable to builder %s connection %s: %s",
                assigned.assignment().jobId(),
                assigned.assignment().attempt(),
                assigned.builderId(),
                assigned.connectionId(),
                reason);
        return undeliverable
                .apply(
                        new JobActivity.Undeliverable(
                                assigned.assignment().jobId(),
                                assigned.assignment().attempt(),
                                assigned.builderId(),
                                assigned.connectionId(),
                                reason,
                                Instant.now()))
                .replaceWith(Outcome.UNDELIVERABLE);
    }
}
