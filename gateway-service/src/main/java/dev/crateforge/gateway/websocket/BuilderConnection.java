package dev.crateforge.gateway.websocket;

import dev.crateforge.gateway.service.DetachedWork;
import dev.crateforge.gateway.service.GatewayMetrics;
import dev.crateforge.gateway.service.KnownBuilder;
import dev.crateforge.protocol.contract.SocketClose;
import dev.crateforge.protocol.message.MessageCodec;
import dev.crateforge.protocol.message.ServerMessage;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import java.util.UUID;

/**
 * The gateway's state of one builder WebSocket: where it is in the handshake, the challenge it was
 * given, and once authenticated, which builder it is.
 *
 * <p>Messages of one connection are handled one at a time (websockets-next's serial inbound
 * processing), so the handshake fields need no locking; fields that Kafka threads or timers read
 * are volatile.
 */
public final class BuilderConnection implements LiveBuilder {

    /** Where the connection is in its life. */
    public enum Phase {
        AWAITING_HELLO,
        AWAITING_RESPONSE,
        AUTHENTICATED,
        CLOSING
    }

    private final WebSocketConnection socket;
    private final String connectionId;
    private final GatewayMetrics metrics;
    private final DetachedWork detached;
    // Plain fields rather than an AtomicBoolean and an Instant: with thousands of idle builders
    // per replica, every object per connection counts.
    private final long openedAtNanos = System.nanoTime();
    private boolean pending = true;

    private volatile Phase phase = Phase.AWAITING_HELLO;
    private volatile KnownBuilder builder;
    private volatile String closeReason;
    private volatile long deadlineTimer = -1;
    private String fingerprint;
    private String challenge;

    BuilderConnection(
            WebSocketConnection socket,
            String connectionId,
            GatewayMetrics metrics,
            DetachedWork detached) {
        this.socket = socket;
        this.connectionId = connectionId;
        this.metrics = metrics;
        this.detached = detached;
    }

    /** {@link System#nanoTime()} when the socket opened. */
    long openedAtNanos() {
        return openedAtNanos;
    }

    public Phase phase() {
        return phase;
    }

    @Override
    public String connectionId() {
        return connectionId;
    }

    @Override
    public UUID builderId() {
        return builder.id();
    }

    public KnownBuilder builder() {
        return builder;
    }

    String socketId() {
        return socket.id();
    }

    void challengeIssued(String fingerprint, String challenge) {
        this.fingerprint = fingerprint;
        this.challenge = challenge;
        this.phase = Phase.AWAITING_RESPONSE;
    }

    String fingerprint() {
        return fingerprint;
    }

    /**
     * The issued challenge, which can be answered once: later calls answer null. The claimed
     * fingerprint is forgotten with it (read {@link #fingerprint()} first): once authenticated the
     * builder's key says it, and an idle connection should not hold it twice.
     */
    String consumeChallenge() {
        String issued = challenge;
        challenge = null;
        fingerprint = null;
        return issued;
    }

    /** False when the connection is already closing (a deadline or revocation won the race). */
    synchronized boolean authenticated(KnownBuilder builder) {
        if (phase == Phase.CLOSING) {
            return false;
        }
        this.builder = builder;
        this.phase = Phase.AUTHENTICATED;
        return true;
    }

    /** The builder this connection authenticated as, or null if it never did. */
    KnownBuilder builderOrNull() {
        return builder;
    }

    /** True exactly once: when this connection stops counting as awaiting authentication. */
    synchronized boolean leavePending() {
        boolean was = pending;
        pending = false;
        return was;
    }

    void deadlineTimer(long timerId) {
        this.deadlineTimer = timerId;
    }

    long deadlineTimer() {
        return deadlineTimer;
    }

    String closeReason() {
        return closeReason;
    }

    @Override
    public Uni<Void> send(ServerMessage message) {
        if (!socket.isOpen()) {
            return Uni.createFrom().failure(new IllegalStateException("connection closed"));
        }
        String type = message.getClass().getSimpleName();
        return socket.sendText(MessageCodec.encode(message)).invoke(() -> metrics.messageOut(type));
    }

    /** Sends {@code message} without waiting; a failure is logged and counted. */
    void reply(ServerMessage message) {
        detached.run(send(message), DetachedWork.Action.SEND_TO_BUILDER, connectionId);
    }

    @Override
    public void close(SocketClose close, String detail) {
        String reason = close.reasonWith(detail == null ? "" : detail);
        synchronized (this) {
            if (phase == Phase.CLOSING) {
                return;
            }
            phase = Phase.CLOSING;
            closeReason = reason;
        }
        metrics.closed(close);
        detached.run(
                socket.close(new CloseReason(close.code(), reason)),
                DetachedWork.Action.CLOSE_CONNECTION,
                connectionId);
    }
}
