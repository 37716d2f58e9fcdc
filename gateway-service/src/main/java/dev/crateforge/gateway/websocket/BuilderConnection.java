package dev.crateforge.gateway.websocket;

import dev.crateforge.gateway.service.GatewayMetrics;
import dev.crateforge.gateway.service.KnownBuilder;
import dev.crateforge.protocol.message.MessageCodec;
import dev.crateforge.protocol.message.ServerMessage;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway's state of one builder WebSocket: where it is in the handshake, the challenge it was
 * given, and once authenticated, which builder it is and which jobs it holds.
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

    /** A WebSocket close reason may carry at most 123 bytes of UTF-8. */
    static final int MAX_CLOSE_REASON_BYTES = 123;

    private final WebSocketConnection socket;
    private final String connectionId;
    private final GatewayMetrics metrics;
    private final AtomicBoolean pending = new AtomicBoolean(true);
    private final Instant openedAt = Instant.now();
    private final Set<UUID> activeJobs = ConcurrentHashMap.newKeySet();

    private volatile Phase phase = Phase.AWAITING_HELLO;
    private volatile KnownBuilder builder;
    private volatile String closeReason;
    private volatile long deadlineTimer = -1;
    private String fingerprint;
    private String challenge;

    BuilderConnection(WebSocketConnection socket, String connectionId, GatewayMetrics metrics) {
        this.socket = socket;
        this.connectionId = connectionId;
        this.metrics = metrics;
    }

    Instant openedAt() {
        return openedAt;
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

    /** The issued challenge, which can be answered once: later calls answer null. */
    String consumeChallenge() {
        String issued = challenge;
        challenge = null;
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
    boolean leavePending() {
        return pending.compareAndSet(true, false);
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

    @Override
    public void close(int code, String reason) {
        synchronized (this) {
            if (phase == Phase.CLOSING) {
                return;
            }
            phase = Phase.CLOSING;
            closeReason = reason;
        }
        metrics.closed(code);
        socket.close(new CloseReason(code, truncate(reason)))
                .subscribe()
                .with(
                        ignored -> {},
                        failure ->
                                Log.debugf(
                                        "closing connection %s failed: %s",
                                        connectionId, failure.toString()));
    }

    @Override
    public int activeJobs() {
        return activeJobs.size();
    }

    @Override
    public void jobStarted(UUID jobId) {
        activeJobs.add(jobId);
    }

    @Override
    public void jobEnded(UUID jobId) {
        activeJobs.remove(jobId);
    }

    /** Cuts a reason to the WebSocket limit without splitting a UTF-8 sequence. */
    static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_CLOSE_REASON_BYTES) {
            return reason;
        }
        int end = MAX_CLOSE_REASON_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
