package dev.crateforge.builder.agent;

import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.message.AuthChallenge;
import dev.crateforge.protocol.message.Authenticated;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.ChallengeRequest;
import dev.crateforge.protocol.message.ChallengeResponse;
import dev.crateforge.protocol.message.Hello;
import dev.crateforge.protocol.message.MessageCodec;
import dev.crateforge.protocol.message.ServerMessage;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One WebSocket connection to the gateway: it runs the handshake of docs/protocol.md §3 ({@code
 * hello}, signed challenge, {@code authenticated}) and then hands every message to the agent.
 *
 * <p>The gateway is trusted only after it has authenticated us, and even then only for what the
 * protocol lets it ask: a challenge in any namespace but {@link BuilderProtocol#AUTH_NAMESPACE} is
 * refused, so that a rogue endpoint cannot make the builder sign a build statement.
 */
final class GatewaySession implements WebSocket.Listener {

    /** Local pseudo close code: no close frame was received (RFC 6455 §7.1.5). */
    static final int ABNORMAL = 1006;

    /** Largest text message accepted from the gateway. */
    private static final int MAX_MESSAGE_CHARS = 4 * 1024 * 1024;

    /** How a connection ended. {@code local} means the builder gave up on it, not the gateway. */
    record Close(int code, String reason, boolean local) {}

    /** What the agent does with an authenticated connection. */
    interface Handler {
        void authenticated(GatewaySession session, Authenticated message);

        void message(GatewaySession session, ServerMessage message);
    }

    private enum State {
        OPENING,
        AWAITING_CHALLENGE,
        AWAITING_AUTHENTICATED,
        AUTHENTICATED
    }

    private final SshPrivateKey key;
    private final String agent;
    private final Handler handler;
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile State state = State.OPENING;
    private volatile WebSocket socket;

    /**
     * The last send. The JDK's WebSocket fails a text send while the previous one has not completed
     * ("Send pending"), and the gateway can answer a frame before the send of that frame has
     * completed here; so every send, of the handshake or after it, waits for the one before.
     */
    private CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);

    GatewaySession(SshPrivateKey key, String agent, Handler handler) {
        this.key = key;
        this.agent = agent;
        this.handler = handler;
    }

    CompletableFuture<Close> closed() {
        return closed;
    }

    boolean authenticated() {
        return state == State.AUTHENTICATED && !closed.isDone();
    }

    /** Sends one text frame once every earlier send has completed. */
    CompletableFuture<WebSocket> send(String text) {
        WebSocket ws = socket;
        if (ws == null || closed.isDone()) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
        }
        return sendAfterLast(ws, text);
    }

    private synchronized CompletableFuture<WebSocket> sendAfterLast(WebSocket ws, String text) {
        // an earlier send that failed has already ended the connection; this one fails on its own
        CompletableFuture<WebSocket> next =
                lastSend.handle((done, failure) -> null).thenCompose(x -> ws.sendText(text, true));
        lastSend = next;
        return next;
    }

    /**
     * Ends a connection whose handshake has not finished by now (a gateway that never answers): the
     * agent calls this when its handshake deadline passes, and reconnects.
     */
    void abortUnlessAuthenticated(String reason) {
        if (state != State.AUTHENTICATED) {
            abort(reason);
        }
    }

    /** Ends the connection politely (a builder that stops). */
    void close(String reason) {
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, reason);
        }
        closed.complete(new Close(WebSocket.NORMAL_CLOSURE, reason, true));
    }

    /** Drops the connection at once (a failed send, a peer that broke the protocol). */
    void abort(String reason) {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        closed.complete(new Close(ABNORMAL, reason, true));
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        state = State.AWAITING_CHALLENGE;
        Hello hello = new Hello(BuilderProtocol.VERSION, key.publicKey().fingerprint(), agent);
        sendHandshake(webSocket, MessageCodec.encode(hello), "hello");
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (partial.length() > MAX_MESSAGE_CHARS) {
            abort("gateway sent a message larger than " + MAX_MESSAGE_CHARS + " characters");
            return null;
        }
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            handle(text);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        abort("gateway sent a binary frame");
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason, false));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        String message = error.getMessage() == null ? error.toString() : error.getMessage();
        closed.complete(new Close(ABNORMAL, message, true));
    }

    private void handle(String text) {
        ServerMessage message;
        try {
            message = MessageCodec.decodeServerMessage(text);
        } catch (ProtocolDecodeException e) {
            abort("cannot decode a gateway message: " + e.getMessage());
            return;
        }
        switch (state) {
            case AWAITING_CHALLENGE -> {
                if (message instanceof ChallengeRequest challenge) {
                    answer(challenge);
                } else {
                    abort("gateway sent " + name(message) + " before the challenge");
                }
            }
            case AWAITING_AUTHENTICATED -> {
                if (message instanceof Authenticated authenticated) {
                    state = State.AUTHENTICATED;
                    handler.authenticated(this, authenticated);
                } else {
                    abort("gateway sent " + name(message) + " before authenticating us");
                }
            }
            case AUTHENTICATED -> handler.message(this, message);
            default -> abort("message before the connection opened");
        }
    }

    private void answer(ChallengeRequest challenge) {
        if (!BuilderProtocol.AUTH_NAMESPACE.equals(challenge.namespace())) {
            abort("gateway asked for a signature in an unexpected namespace");
            return;
        }
        String signature;
        try {
            signature = AuthChallenge.sign(key, challenge);
        } catch (SshFormatException e) {
            abort("cannot sign the challenge: " + e.getMessage());
            return;
        }
        state = State.AWAITING_AUTHENTICATED;
        sendHandshake(
                socket,
                MessageCodec.encode(new ChallengeResponse(challenge.challenge(), signature)),
                "challenge response");
    }

    /** A handshake message that cannot be sent ends the connection: nothing can follow it. */
    private void sendHandshake(WebSocket ws, String text, String what) {
        sendAfterLast(ws, text)
                .whenComplete(
                        (done, failure) -> {
                            if (failure != null) {
                                abort("sending the " + what + " failed: " + failure);
                            }
                        });
    }

    private static String name(ServerMessage message) {
        return message.getClass().getSimpleName();
    }
}
