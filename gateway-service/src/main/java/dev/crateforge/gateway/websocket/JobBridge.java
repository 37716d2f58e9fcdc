package dev.crateforge.gateway.websocket;

import dev.crateforge.gateway.config.GatewayInstance;
import dev.crateforge.gateway.messaging.GatewayPublisher;
import dev.crateforge.gateway.security.BuildResponseVerifier;
import dev.crateforge.gateway.service.DetachedWork;
import dev.crateforge.gateway.service.KnownBuilder;
import dev.crateforge.protocol.contract.SocketError;
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
 * allowed targets, slots capped at its concurrency limit), job events (in the order received, keyed
 * by job id) and verified job responses. Called on the connection's event loop, one message of a
 * connection at a time; nothing here blocks.
 *
 * <p>The gateway does not count a builder's jobs: it passes the operator's limit on as {@code
 * concurrencyLimit}, and the scheduler assigns at most that limit minus the attempts the builder
 * holds by the job lifecycle. A count kept here would be wrong after every reconnect, cancel or
 * reassignment, and would tell a free builder that it is busy.
 */
@ApplicationScoped
public class JobBridge {

    /** How long a completion may wait for Kafka before the builder is told to retry. */
    private static final Duration COMPLETION_ACK_TIMEOUT = Duration.ofSeconds(30);

    private final GatewayPublisher publisher;
    private final BuildResponseVerifier verifier;
    private final GatewayInstance instance;
    private final DetachedWork detached;

    public JobBridge(
            GatewayPublisher publisher,
            BuildResponseVerifier verifier,
            GatewayInstance instance,
            DetachedWork detached) {
        this.publisher = publisher;
        this.verifier = verifier;
        this.instance = instance;
        this.detached = detached;
    }

    void jobRequest(BuilderConnection connection, JobRequest request) {
        KnownBuilder builder = connection.builder();
        List<String> targets = builder.permittedTargets(request.targets());
        if (targets.isEmpty()) {
            connection.reply(
                    SocketErrors.of(
                            SocketError.NO_ALLOWED_TARGET,
                            "none of the requested targets is allowed for this builder; allowed: "
                                    + String.join(", ", builder.allowedTargets()),
                            null));
            return;
        }
        int slots = Math.min(request.slots(), builder.maxConcurrentJobs());
        // Not awaited: the builder's next request replaces this one anyway, and ordering per
        // builder is kept by the producer (same key, idempotent, one emitter). A request Kafka
        // did not take is answered `unavailable`, so that the builder asks again.
        detached.run(
                publisher
                        .jobRequested(
                                new JobRequested(
                                        builder.id(),
                                        connection.connectionId(),
                                        instance.name(),
                                        targets,
                                        slots,
                                        builder.maxConcurrentJobs(),
                                        Instant.now(),
                                        builder.owner()))
                        .onFailure()
                        .invoke(
                                failure ->
                                        connection.reply(
                                                SocketErrors.of(
                                                        SocketError.UNAVAILABLE,
                                                        "the job request could not be handed on;"
                                                                + " send it again",
                                                        null))),
                DetachedWork.Action.PUBLISH_JOB_REQUEST,
                builder.id());
    }

    /**
     * Forwards an event without answering it: if Kafka does not take it, the failure is logged and
     * counted, and the builder sends it again after its next reconnect (events are acknowledged
     * only by {@code job_response_accepted}, protocol section 6).
     */
    void jobEvent(BuilderConnection connection, JobEvent event) {
        detached.run(
                publisher.jobActivity(
                        new JobActivity.EventReported(
                                event.jobId(),
                                event.attempt(),
                                connection.builderId(),
                                event.seq(),
                                event.event(),
                                Instant.now())),
                DetachedWork.Action.PUBLISH_JOB_EVENT,
                event.jobId());
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
            connection.reply(refusal.get());
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
                        Instant.now(),
                        response.provenance());
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
                                detached.failed(
                                        DetachedWork.Action.PUBLISH_JOB_RESPONSE,
                                        response.jobId(),
                                        failure);
                                connection.reply(
                                        SocketErrors.of(
                                                SocketError.UNAVAILABLE,
                                                "the response could not be stored; send it again",
                                                response.jobId()));
                                return null;
                            }
                            Log.infof(
                                    "job %s attempt %d completed by builder %s: %s",
                                    response.jobId(),
                                    response.attempt(),
                                    builder.id(),
                                    response.result());
                            connection.reply(
                                    new JobResponseAccepted(response.jobId(), response.attempt()));
                            return null;
                        });
    }
}
