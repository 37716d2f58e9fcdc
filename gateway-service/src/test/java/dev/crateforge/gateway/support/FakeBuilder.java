package dev.crateforge.gateway.support;

import dev.crateforge.gateway.websocket.LiveBuilder;
import dev.crateforge.protocol.contract.SocketClose;
import dev.crateforge.protocol.message.ServerMessage;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** A connection without a socket, for routing tests: remembers what it was sent. */
public final class FakeBuilder implements LiveBuilder {

    private final UUID builderId;
    private final String connectionId;
    public final List<ServerMessage> sent = new CopyOnWriteArrayList<>();
    public volatile SocketClose closedWith;
    public volatile String closeReason;

    public FakeBuilder(UUID builderId, String connectionId) {
        this.builderId = builderId;
        this.connectionId = connectionId;
    }

    @Override
    public UUID builderId() {
        return builderId;
    }

    @Override
    public String connectionId() {
        return connectionId;
    }

    @Override
    public Uni<Void> send(ServerMessage message) {
        sent.add(message);
        return Uni.createFrom().voidItem();
    }

    @Override
    public void close(SocketClose close, String detail) {
        closedWith = close;
        closeReason = close.reasonWith(detail);
    }
}
