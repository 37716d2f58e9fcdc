package dev.crateforge.gateway.websocket;

import dev.crateforge.protocol.message.ServerMessage;
import io.smallrye.mutiny.Uni;
import java.util.UUID;

/**
 * An authenticated builder connection held by this replica, as the Kafka side sees it: something to
 * send messages to, close, and count jobs on. Kept behind an interface so that routing can be
 * tested without sockets.
 */
public interface LiveBuilder {

    UUID builderId();

    /** The gateway's id of this connection, as sent in the challenge and in job requests. */
    String connectionId();

    /** Sends one message; fails if the connection is gone. */
    Uni<Void> send(ServerMessage message);

    /** Closes the connection with this code and reason. */
    void close(int code, String reason);

    /** Jobs this connection was given and has not finished; bounds its free slots. */
    int activeJobs();

    void jobStarted(UUID jobId);

    void jobEnded(UUID jobId);
}
