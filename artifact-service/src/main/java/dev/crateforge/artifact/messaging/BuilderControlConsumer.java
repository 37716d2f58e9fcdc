package dev.crateforge.artifact.messaging;

import dev.crateforge.artifact.security.BuilderRevocations;
import dev.crateforge.messaging.consume.RecordProcessing;
import dev.crateforge.protocol.kafka.BuilderControl;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads the builder-control topic ({@code crateforge.builder-control.v1}) for revocations. The
 * gateway publishes {@code BuilderControl.Disconnect} only when an operator disables or deletes a
 * builder, so every {@code Disconnect} is a revocation; its time is the record's timestamp (set by
 * the gateway's producer when it sent the order). The other orders are for gateways and are
 * skipped.
 *
 * <p>Every replica reads every record under a consumer group of its own, because every replica
 * keeps the revocations in memory for its token checks.
 */
@ApplicationScoped
public class BuilderControlConsumer {

    /** The incoming channel, bound to {@code Topics.BUILDER_CONTROL} in application.properties. */
    public static final String CHANNEL = "builder-control";

    private final BuilderRevocations revocations;
    private final RecordProcessing processing;

    public BuilderControlConsumer(BuilderRevocations revocations, RecordProcessing processing) {
        this.revocations = revocations;
        this.processing = processing;
    }

    @Incoming(CHANNEL)
    @Blocking
    public CompletionStage<Void> onControl(KafkaRecord<String, byte[]> record) {
        // A record without a timestamp (never from Kafka 0.10+): revoke everything minted so far.
        Instant sentAt = record.getTimestamp() != null ? record.getTimestamp() : Instant.now();
        return processing.single(
                record,
                CHANNEL,
                BuilderControl.class,
                order -> {
                    if (order instanceof BuilderControl.Disconnect disconnect) {
                        revocations.revoke(disconnect.builderId(), sentAt);
                    }
                });
    }
}
