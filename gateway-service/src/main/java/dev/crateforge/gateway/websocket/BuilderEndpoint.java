package dev.crateforge.gateway.websocket;

import dev.crateforge.gateway.config.GatewayConfig;
import dev.crateforge.gateway.config.GatewayInstance;
import dev.crateforge.gateway.messaging.GatewayPublisher;
import dev.crateforge.gateway.security.AuthOutcome;
import dev.crateforge.gateway.security.ChallengeAuthenticator;
import dev.crateforge.gateway.service.BuilderDirectory;
import dev.crateforge.gateway.service.DetachedWork;
import dev.crateforge.gateway.service.GatewayMetrics;
import dev.crateforge.gateway.service.KnownBuilder;
import dev.crateforge.protocol.contract.SocketClose;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.message.Authenticated;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.ChallengeRequest;
import dev.crateforge.protocol.message.ChallengeResponse;
import dev.crateforge.protocol.message.ClientMessage;
import dev.crateforge.protocol.message.Hello;
import dev.crateforge.protocol.message.JobEvent;
import dev.crateforge.protocol.message.JobRequest;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.message.MessageCodec;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The builders' WebSocket ({@link BuilderProtocol#PATH}): runs the challenge/response handshake and
 * then hands messages to the {@link JobBridge}.
 *
 * <p>State machine per connection: AWAITING_HELLO → (Hello) → AWAITING_RESPONSE → (valid
 * ChallengeResponse) → AUTHENTICATED. Anything else before authentication closes with 1008. Every
 * close is an entry of {@link SocketClose}, so that a builder knows what to do next.
 *
 * <p>Everything runs on the connection's event loop. Nothing here blocks: the registry lookup
 * answers from a cache or goes to a worker thread by itself, Kafka sends are asynchronous, and a
 * signature check is one bounded computation per message. A text handler returns a {@link Uni}, and
 * websockets-next processes a connection's next frame only when it has completed, so one
 * connection's frames are still handled one at a time and in order.
 */
@WebSocket(path = BuilderProtocol.PATH)
public class BuilderEndpoint {

    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final ChallengeAuthenticator authenticator;
    private final JobBridge bridge;
    private final BuilderSessions sessions;
    private final BuilderDirectory directory;
    private final GatewayPublisher publisher;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;
    private final GatewayInstance instance;
    private final DetachedWork detached;
    private final Vertx vertx;
    private final AtomicInteger pending;

    public BuilderEndpoint(
            ChallengeAuthenticator authenticator,
            JobBridge bridge,
            BuilderSessions sessions,
            BuilderDirectory directory,
            GatewayPublisher publisher,
            GatewayMetrics metrics,
            GatewayConfig config,
            GatewayInstance instance,
            DetachedWork detached,
            Vertx vertx) {
        this.authenticator = authenticator;
        this.bridge = bridge;
        this.sessions = sessions;
        this.directory = directory;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
        this.instance = instance;
        this.detached = detached;
        this.vertx = vertx;
        this.pending = metrics.pendingConnections();
    }

    @OnOpen
    @NonBlocking
    public void onOpen(WebSocketConnection socket) {
        BuilderConnection connection =
                new BuilderConnection(socket, authenticator.newConnectionId(), metrics, detached);
        sessions.opened(socket.id(), connection);
        if (sessions.draining()) {
            connection.leavePending();
            connection.close(SocketClose.DRAINING);
            return;
        }
        if (pending.incrementAndGet() > config.maxPendingConnections()) {
            leavePending(connection);
            metrics.handshake("failed", "too_many_pending");
            connection.close(SocketClose.TOO_MANY_PENDING);
            return;
        }
        connection.deadlineTimer(
                vertx.setTimer(config.authTimeout().toMillis(), id -> deadlinePassed(connection)));
    }

    @OnTextMessage
    @NonBlocking
    public Uni<Void> onText(WebSocketConnection socket, String text) {
        BuilderConnection connection = connection(socket);
        if (connection == null || connection.phase() == BuilderConnection.Phase.CLOSING) {
            return DONE;
        }
        boolean authenticated = connection.phase() == BuilderConnection.Phase.AUTHENTICATED;
        int limit = authenticated ? config.maxMessageBytes() : config.preAuthMaxMessageBytes();
        if (utf8Length(text, limit) > limit) {
            refuse(
                    connection,
                    SocketClose.MESSAGE_TOO_BIG,
                    "the limit is " + limit + " bytes of UTF-8",
                    "too_big");
            return DONE;
        }
        ClientMessage message;
        try {
            message =
                    authenticated
                            ? MessageCodec.decodeClientMessage(text)
                            : MessageCodec.decodeHandshakeMessage(text);
        } catch (ProtocolDecodeException e) {
            refuse(connection, SocketClose.MALFORMED_MESSAGE, e.getMessage(), "malformed");
            return DONE;
        }
        metrics.messageIn(message.getClass().getSimpleName());
        return switch (connection.phase()) {
            case AWAITING_HELLO -> hello(connection, message);
            case AWAITING_RESPONSE -> challengeResponse(connection, message);
            case AUTHENTICATED -> dispatch(connection, message);
            case CLOSING -> DONE;
        };
    }

    @OnBinaryMessage
    @NonBlocking
    public void onBinary(WebSocketConnection socket, Buffer frame) {
        BuilderConnection connection = connection(socket);
        if (connection != null) {
            refuse(connection, SocketClose.BINARY_FRAME, "", "binary");
        }
    }

    @OnClose
    @NonBlocking
    public void onClose(WebSocketConnection socket) {
        BuilderConnection connection =
                sessions.closed(socket.id()) instanceof BuilderConnection c ? c : null;
        if (connection == null) {
            return;
        }
        if (connection.deadlineTimer() >= 0) {
            vertx.cancelTimer(connection.deadlineTimer());
        }
        leavePending(connection);
        KnownBuilder builder = connection.builderOrNull();
        if (builder == null) {
            return;
        }
        sessions.unbind(connection);
        directory.markSeen(builder.id());
        String reason = connection.closeReason();
        if (reason == null) {
            CloseReason peer = socket.closeReason();
            reason = "closed by the builder (" + (peer == null ? "no code" : peer.getCode()) + ")";
        }
        // DEBUG, like the line at authentication: see finishHandshake.
        Log.debugf(
                "builder %s disconnected from connection %s: %s",
                builder.id(), connection.connectionId(), reason);
        metrics.disconnected(connection.closeReason() != null);
        detached.run(
                publisher.connectionChanged(
                        new BuilderConnectionChange.Disconnected(
                                builder.id(),
                                connection.connectionId(),
                                instance.name(),
                                reason,
                                Instant.now())),
                DetachedWork.Action.PUBLISH_CONNECTION_CHANGE,
                builder.id());
    }

    @OnError
    @NonBlocking
    public void onError(WebSocketConnection socket, Throwable failure) {
        BuilderConnection connection = connection(socket);
        String id = connection == null ? socket.id() : connection.connectionId();
        if (failure instanceof HttpClosedException) {
            // The builder went away without a close frame (crash, lost network): an ordinary
            // disconnect, which onClose reports. Not an error, and never 10,000 stack traces
            // when a whole fleet drops at once.
            Log.debugf("connection %s was dropped by the builder", id);
            return;
        }
        Log.errorf(failure, "failure on connection %s", id);
        if (connection != null) {
            connection.close(SocketClose.SERVER_FAULT);
        }
    }

    private Uni<Void> hello(BuilderConnection connection, ClientMessage message) {
        if (!(message instanceof Hello hello)) {
            refuse(
                    connection,
                    SocketClose.UNEXPECTED_MESSAGE,
                    "expected hello first",
                    "out_of_order");
            return DONE;
        }
        if (hello.protocolVersion() != BuilderProtocol.VERSION) {
            refuse(
                    connection,
                    SocketClose.UNSUPPORTED_VERSION,
                    "got "
                            + hello.protocolVersion()
                            + ", this gateway speaks "
                            + BuilderProtocol.VERSION,
                    "unsupported_version");
            return DONE;
        }
        if (hello.agent() != null && hello.agent().contains("sandbox=none")) {
            // the operator of that machine turned the builder's sandbox off: say so loudly here,
            // where the operators of the farm look (the provenance of its builds says it too)
            Log.warnf(
                    "builder %s runs builds WITHOUT a sandbox (agent: %s)",
                    hello.fingerprint(), hello.agent());
        }
        String challenge = authenticator.newChallenge();
        connection.challengeIssued(hello.fingerprint(), challenge);
        long elapsedMillis = (System.nanoTime() - connection.openedAtNanos()) / 1_000_000;
        int secondsLeft =
                (int) Math.max(1, (config.authTimeout().toMillis() - elapsedMillis + 999) / 1000);
        connection.reply(
                new ChallengeRequest(
                        connection.connectionId(),
                        challenge,
                        BuilderProtocol.AUTH_NAMESPACE,
                        secondsLeft));
        return DONE;
    }

    private Uni<Void> challengeResponse(BuilderConnection connection, ClientMessage message) {
        if (!(message instanceof ChallengeResponse response)) {
            refuse(
                    connection,
                    SocketClose.UNEXPECTED_MESSAGE,
                    "expected challenge_response after hello",
                    "out_of_order");
            return DONE;
        }
        String fingerprint = connection.fingerprint();
        String issued = connection.consumeChallenge();
        // One operator only: each Mutiny stage costs a context capture, on every handshake.
        return authenticator
                .authenticate(fingerprint, connection.connectionId(), issued, response)
                .onItemOrFailure()
                .transform(
                        (outcome, failure) -> {
                            if (failure == null) {
                                finishHandshake(connection, outcome);
                            } else {
                                Log.errorf(
                                        failure,
                                        "authentication of connection %s could not be completed",
                                        connection.connectionId());
                                metrics.handshake("failed", "internal_error");
                                connection.close(SocketClose.SERVER_FAULT);
                            }
                            return null;
                        });
    }

    private void finishHandshake(BuilderConnection connection, AuthOutcome outcome) {
        if (!outcome.succeeded()) {
            Log.infof(
                    "authentication failed on connection %s: %s",
                    connection.connectionId(), outcome.failure());
            metrics.handshake("failed", outcome.failure());
            connection.close(SocketClose.AUTHENTICATION_FAILED);
            return;
        }
        KnownBuilder builder = outcome.builder().orElseThrow();
        if (!connection.authenticated(builder)) {
            return;
        }
        vertx.cancelTimer(connection.deadlineTimer());
        leavePending(connection);
        sessions.bind(connection)
                .ifPresent(
                        previous -> {
                            Log.infof(
                                    "builder %s connected again; closing its connection %s",
                                    builder.id(), previous.connectionId());
                            previous.close(SocketClose.REPLACED);
                        });
        metrics.handshake("succeeded", "none");
        directory.markSeen(builder.id());
        // Not INFO: a fleet reconnecting after a deploy would write two lines per builder, and
        // formatting and writing them was a tenth of the endpoint's own work per handshake. Who is
        // connected is in the Connected/Disconnected records (the console's builder view), the
        // metrics count connects and disconnects, and failures, replacements and timeouts stay at
        // INFO.
        Log.debugf(
                "builder %s (%s) authenticated on connection %s",
                builder.id(), builder.name(), connection.connectionId());
        connection.reply(new Authenticated(builder.id(), builder.name(), config.maxMessageBytes()));
        detached.run(
                publisher.connectionChanged(
                        new BuilderConnectionChange.Connected(
                                builder.id(),
                                builder.name(),
                                connection.connectionId(),
                                instance.name(),
                                Instant.now())),
                DetachedWork.Action.PUBLISH_CONNECTION_CHANGE,
                builder.id());
    }

    private Uni<Void> dispatch(BuilderConnection connection, ClientMessage message) {
        if (message instanceof JobRequest request) {
            bridge.jobRequest(connection, request);
        } else if (message instanceof JobEvent event) {
            bridge.jobEvent(connection, event);
        } else if (message instanceof JobResponse response) {
            return bridge.jobResponse(connection, response);
        } else {
            refuse(
                    connection,
                    SocketClose.UNEXPECTED_MESSAGE,
                    "already authenticated; hello and challenge_response come only before",
                    "out_of_order");
        }
        return DONE;
    }

    private void deadlinePassed(BuilderConnection connection) {
        BuilderConnection.Phase phase = connection.phase();
        if (phase == BuilderConnection.Phase.AWAITING_HELLO
                || phase == BuilderConnection.Phase.AWAITING_RESPONSE) {
            Log.infof("connection %s did not authenticate in time", connection.connectionId());
            metrics.handshake("failed", "timeout");
            connection.close(SocketClose.AUTHENTICATION_TIMED_OUT);
        }
    }

    /** Closes for a bad frame; before authentication it also counts as a failed handshake. */
    private void refuse(
            BuilderConnection connection, SocketClose close, String detail, String metric) {
        if (connection.phase() != BuilderConnection.Phase.AUTHENTICATED) {
            metrics.handshake("failed", metric);
        }
        Log.infof(
                "closing connection %s with %d: %s",
                connection.connectionId(), close.code(), close.reasonWith(detail));
        connection.close(close, detail);
    }

    /** This endpoint's connection of {@code socket}, or null once it closed. */
    private BuilderConnection connection(WebSocketConnection socket) {
        return sessions.open(socket.id()) instanceof BuilderConnection c ? c : null;
    }

    private void leavePending(BuilderConnection connection) {
        if (connection.leavePending()) {
            pending.decrementAndGet();
        }
    }

    /** The UTF-8 length, or anything above {@code limit} once it is certainly exceeded. */
    private static int utf8Length(String text, int limit) {
        if (text.length() > limit) {
            return text.length();
        }
        if ((long) text.length() * 3 <= limit) {
            return text.length();
        }
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
