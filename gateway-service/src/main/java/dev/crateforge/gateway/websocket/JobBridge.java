package dev.crateforge.gateway.websocket;

import dev.crateforge.gateway.config.GatewayConfig;
import dev.crateforge.gateway.messaging.GatewayPublisher;
import dev.crateforge.gateway.security.BuildResponseVerifier;
import dev.crateforge.gateway.service.KnownBuilder;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.protocol.message.ErrorMessage;
import dev.crateforge.protocol.message.JobEvent;
import dev.crateforge.protocol.message.JobRequest;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.message.JobResponseAccepted;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Turns an authenticated builder's messages into Kafka records: job requests (within the builder's
 * allowed targets and job limit), job events (in the order received, keyed by job id) and verified
 * job responses. Called on the connection's event loop, one message of a connection at a time;
 * nothing here blocks.
 */
@ApplicationScoped
public class JobBridge {

    /** How long a completion may wait for Kafka before the builder is told to retry. */
    private static final Duration COMPLETION_ACK_TIMEOUT = Duration.ofSeconds(30);

    private final GatewayPublisher publisher;
    private final BuildResponseVerifier verifier;
    private final String instanceId;

    public JobBridge(
            GatewayPublisher publisher, BuildResponseVerifier verifier, GatewayConfig config) {
        this.publisher = publisher;
        this.verifier = verifier;
        this.instanceId = config.instanceId();
    }

    void jobRequest(BuilderConnection connection, JobRequest request) {
        KnownBuilder builder = connection.builder();
        List<String> targets = builder.permittedTargets(request.targets());
        if (targets.isEmpty()) {
            reply(
                    connection,
                    new ErrorMessage(
                            "target_not_allowed",
                            "none of the requested targets is allowed for this builder; allowed: "
                                    + String.join(", ", builder.allowedTargets()),
                            null));
            return;
        }
        int free = Math.min(request.slots(), builder.maxConcurrentJobs() - connection.activeJobs());
        if (free <= 0) {
            reply(
                    connection,
                    new ErrorMessage(
                            "too_many_jobs",
                            "this builder already runs its limit of "
                                    + builder.maxConcurrentJobs()
                                    + " concurrent jobs",
                            null));
            return;
        }
        // Not awaited: the builder's next request replaces this one anyway, and ordering per
        // builder is kept by the producer (same key, idempotent, one emitter).
        publisher
                .jobRequested(
                        new JobRequested(
                                builder.id(),
                                connection.connectionId(),
                                instanceId,
                                targets,
                                free,
                                builder.maxConcurrentJobs(),
                                Instant.now()))
                .subscribe()
                .with(ignored -> {}, failure -> {});
    }

    void jobEvent(BuilderConnection connection, JobEvent event) {
        publisher
                .jobActivity(
                        new JobActivity.EventReported(
                                event.jobId(),
                                event.attempt(),
                                connection.builderId(),
                                event.seq(),
                                event.event(),
                                Instant.now()))
                .subscribe()
                .with(ignored -> {}, failure -> {});
    }

    /** Completes when the builder has been answered: accepted, refused, or asked to retry. */
    Uni<Void> jobResponse(BuilderConnection connection, JobResponse response) {
        KnownBuilder builder = connection.builder();
        Optional<ErrorMessage> refusal = verifier.check(builder, response);
        if (refusal.isPresent()) {
            Log.warnf(
                    "refused job response of builder %s connection %s for job %s attempt %d: %s",
                    builder.id(),
                    connection.connectionId(),
                    response.jobId(),
                    response.attempt(),
                    refusal.get().code());
            reply(connection, refusal.get());
            return Uni.createFrom().voidItem();
        }
        JobActivity.Completed completed =
                new JobActivity.Completed(
                        response.jobId(),
                        response.attempt(),
                        builder.id(),
                        response.result(),
                        response.failureReason(),
                        response.effectiveFailureCode(),
                        response.artifacts(),
                        response.statement(),
                        response.signature(),
                        builder.publicKey().openSshLine(),
                        Instant.now());
        // The builder's next message waits until Kafka has the completion (or the wait failed):
        // only then may it be told that its response is safe.
        return publisher
                .jobActivity(completed)
                .ifNoItem()
                .after(COMPLETION_ACK_TIMEOUT)
                .fail()
                .onItemOrFailure()
                .transform(
                        (ignored, failure) -> {
                            if (failure != null) {
                                reply(
                                        connection,
                                        new ErrorMessage(
                                                "unavailable",
                                                "the response could not be stored; send it again",
                                                response.jobId()));
                                return null;
                            }
                            connection.jobEnded(response.jobId());
                            Log.infof(
                                    "job %s attempt %d completed by builder %s: %s",
                                    response.jobId(),
                                    response.attempt(),
                                    builder.id(),
                                    response.result());
                            reply(
                                    connection,
                                    new JobResponseAccepted(response.jobId(), response.attempt()));
                            return null;
                        });
    }

    private static void reply(
            BuilderConnection connection, dev.crateforge.protocol.message.ServerMessage message) {
        connection.send(message).subscribe().with(ignored -> {}, failure -> {});
    }
}
