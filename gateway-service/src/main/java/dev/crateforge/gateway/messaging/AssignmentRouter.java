package dev.crateforge.gateway.messaging;

import dev.crateforge.gateway.websocket.BuilderSessions;
import dev.crateforge.gateway.websocket.LiveBuilder;
import dev.crateforge.protocol.kafka.BuilderControl;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.message.CancelJob;
import dev.crateforge.protocol.message.CloseCodes;
import dev.crateforge.protocol.message.Jobs;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides what this replica does with a record every replica reads: an assignment or control record
 * for a builder it holds is delivered, anything else is left to the replica that holds it.
 *
 * <p>An assignment addressed to this replica ({@code gatewayInstance}) whose connection is gone is
 * reported as {@link JobActivity.Undeliverable}, so that the scheduler requeues the job at once.
 * Plain class, no CDI, so that two "replicas" can be exercised side by side in one test.
 */
public final class AssignmentRouter {

    /** What became of a record. */
    public enum Outcome {
        DELIVERED,
        UNDELIVERABLE,
        NOT_MINE
    }

    private final String instanceId;
    private final BuilderSessions sessions;
    private final Function<JobActivity.Undeliverable, Uni<Void>> undeliverable;

    public AssignmentRouter(
            String instanceId,
            BuilderSessions sessions,
            Function<JobActivity.Undeliverable, Uni<Void>> undeliverable) {
        this.instanceId = instanceId;
        this.sessions = sessions;
        this.undeliverable = undeliverable;
    }

    public String instanceId() {
        return instanceId;
    }

    public Uni<Outcome> route(JobAssigned assigned) {
        if (!instanceId.equals(assigned.gatewayInstance())) {
            return Uni.createFrom().item(Outcome.NOT_MINE);
        }
        Optional<LiveBuilder> live =
                sessions.find(assigned.builderId())
                        .filter(l -> l.connectionId().equals(assigned.connectionId()));
        if (live.isEmpty()) {
            return reportUndeliverable(assigned, "connection is gone");
        }
        LiveBuilder builder = live.get();
        builder.jobStarted(assigned.assignment().jobId());
        return builder.send(new Jobs(List.of(assigned.assignment())))
                .replaceWith(Outcome.DELIVERED)
                .onFailure()
                .recoverWithUni(
                        failure -> {
                            builder.jobEnded(assigned.assignment().jobId());
                            return reportUndeliverable(assigned, "sending to the builder failed");
                        })
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
            builder.close(CloseCodes.POLICY_VIOLATION, CloseCodes.BUILDER_REVOKED);
            return Uni.createFrom().item(Outcome.DELIVERED);
        }
        BuilderControl.CancelAttempt cancel = (BuilderControl.CancelAttempt) control;
        builder.jobEnded(cancel.jobId());
        return builder.send(new CancelJob(cancel.jobId(), cancel.attempt(), cancel.reason()))
                .replaceWith(Outcome.DELIVERED)
                .onFailure()
                .recoverWithItem(Outcome.UNDELIVERABLE);
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
