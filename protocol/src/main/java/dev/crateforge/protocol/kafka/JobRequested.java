package dev.crateforge.protocol.kafka;

import static dev.crateforge.protocol.json.Fields.list;
import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A builder connection asks for work ({@link Topics#JOB_REQUESTS}, key builder id). The request
 * stands until it is answered, replaced by a newer request of the same connection, or the
 * connection goes away.
 *
 * @param gatewayInstance the gateway replica that holds the connection
 * @param freeSlots how many jobs the builder can take now (already capped at the builder's limit)
 * @param concurrencyLimit the most jobs the operator lets this builder hold at once; the scheduler
 *     assigns no more than this limit minus the attempts the builder already holds, so that the
 *     count follows the job lifecycle rather than a gateway's guess. Absent in records of older
 *     gateways: then only {@code freeSlots} bounds the assignment.
 * @param owner who runs the builder, when the operator registered it with an owner: the independent
 *     builds of one reproduction never go to two builders of one owner. Absent for builders without
 *     one (and in records of older gateways).
 */
public record JobRequested(
        UUID builderId,
        String connectionId,
        String gatewayInstance,
        List<String> targets,
        Integer freeSlots,
        Integer concurrencyLimit,
        Instant requestedAt,
        String owner) {

    /** A request of a builder whose owner is not known. */
    public JobRequested(
            UUID builderId,
            String connectionId,
            String gatewayInstance,
            List<String> targets,
            Integer freeSlots,
            Integer concurrencyLimit,
            Instant requestedAt) {
        this(
                builderId,
                connectionId,
                gatewayInstance,
                targets,
                freeSlots,
                concurrencyLimit,
                requestedAt,
                null);
    }

    public JobRequested {
        required(builderId, "builderId");
        nonBlank(connectionId, "connectionId", 64);
        nonBlank(gatewayInstance, "gatewayInstance", 128);
        targets = list(targets, "targets", 32);
        range(freeSlots, "freeSlots", 0, 64);
        if (concurrencyLimit != null) {
            range(concurrencyLimit, "concurrencyLimit", 1, 64);
        }
        required(requestedAt, "requestedAt");
        if (owner != null) {
            nonBlank(owner, "owner", 128);
        }
    }
}
