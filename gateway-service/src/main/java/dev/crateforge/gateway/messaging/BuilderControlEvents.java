package dev.crateforge.gateway.messaging;

import dev.crateforge.messaging.outbox.Outbox;
import dev.crateforge.protocol.kafka.BuilderControl;
import dev.crateforge.protocol.kafka.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.UUID;

/**
 * Announces a revoked builder ({@code BuilderControl.Disconnect} on {@code
 * crateforge.builder-control.v1}, keyed by builder id) through the transactional outbox: the record
 * is written in the transaction that disables or deletes the builder, so every gateway replica
 * closes its connection and the artifact service stops taking its job tokens exactly when the
 * change committed, also when the broker was down at that moment.
 */
@ApplicationScoped
public class BuilderControlEvents {

    private final Outbox outbox;

    public BuilderControlEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Adds the builder's {@code Disconnect} record to the current transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void revoked(UUID builderId, String reason) {
        outbox.add(
                Topics.BUILDER_CONTROL,
                builderId.toString(),
                new BuilderControl.Disconnect(builderId, reason));
    }
}
