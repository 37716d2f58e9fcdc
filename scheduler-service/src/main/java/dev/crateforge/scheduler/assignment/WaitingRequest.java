package dev.crateforge.scheduler.assignment;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A builder connection's standing request for work.
 *
 * @param concurrencyLimit the most attempts the builder may hold at once (null: only {@code
 *     freeSlots} bounds it)
 * @param owner who runs the builder, when known (null otherwise)
 */
public record WaitingRequest(
        String connectionId,
        UUID builderId,
        String gatewayInstance,
        List<String> targets,
        int freeSlots,
        Integer concurrencyLimit,
        Instant requestedAt,
        String owner) {

    /** The same request with {@code taken} of its slots filled. */
    public WaitingRequest minus(int taken) {
        return new WaitingRequest(
                connectionId,
                builderId,
                gatewayInstance,
                targets,
                freeSlots - taken,
                concurrencyLimit,
                requestedAt,
                owner);
    }
}
