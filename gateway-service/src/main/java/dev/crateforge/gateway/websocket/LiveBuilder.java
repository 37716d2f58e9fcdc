package dev.crateforge.gateway.websocket;

import dev.crateforge.protocol.contract.SocketClose;
import dev.crateforge.protocol.message.ServerMessage;
import io.smallrye.mutiny.Uni;
import java.util.UUID;

/**
 * An authenticated builder connection held by this replica, as the Kafka side sees it: something to
 * send messages to and to close. Kept behind an interface so that routing can be tested without
 * sockets.
 *
 * <p>It counts no jobs: how many attempts a builder holds follows the job lifecycle, which the
 * scheduler keeps, not a guess of the gateway's.
 */
public interface LiveBuilder {

    UUID builderId();

    /** The gateway's id of this connection, as sent in the challenge and in job requests. */
    String connectionId();

    /** Sends one message; fails if the connection is gone. */
    Uni<Void> send(ServerMessage message);

    /**
     * Closes the connection as {@code close} says; {@code detail} follows the reason's prefix when
     * the entry takes one (and is ignored otherwise).
     */
    void close(SocketClose close, String detail);

    /** Closes the connection with a fixed reason of the contract. */
    default void close(SocketClose close) {
        close(close, "");
    }
}
