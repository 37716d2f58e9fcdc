package dev.crateforge.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.protocol.contract.SocketClose;
import dev.crateforge.protocol.message.AuthChallenge;
import dev.crateforge.protocol.message.Authenticated;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.ChallengeRequest;
import dev.crateforge.protocol.message.ChallengeResponse;
import dev.crateforge.protocol.message.ClientMessage;
import dev.crateforge.protocol.message.Hello;
import dev.crateforge.protocol.message.MessageCodec;
import dev.crateforge.protocol.message.ServerMessage;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (java.net.http) speaking the builder protocol, for tests. */
public final class BuilderClient implements AutoCloseable {

    /** How a connection ended. */
    public record Closed(int code, String reason) {}

    /** The close the contract prescribes for {@code close} with {@code detail}. */
    public static Closed closed(SocketClose close, String detail) {
        return new Closed(close.code(), close.reasonWith(detail));
    }

    /** The close the contract prescribes for a close with a fixed reason. */
    public static Closed closed(SocketClose close) {
        return closed(close, "");
    }

    public static final Duration WAIT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final WebSocket socket;
    private volatile ChallengeRequest lastChallenge;

    private BuilderClient(URI uri) {
        StringBuilder partial = new StringBuilder();
        this.socket =
                HTTP.newWebSocketBuilder()
                        .buildAsync(
                                uri,
                                new WebSocket.Listener() {
                                    @Override
                                    public CompletionStage<?> onText(
                                            WebSocket ws, CharSequence data, boolean last) {
                                        partial.append(data);
                                        if (last) {
                                            frames.add(partial.toString());
                                            partial.setLength(0);
                                        }
                                        ws.request(1);
                                        return null;
                                    }

                                    @Override
                                    public CompletionStage<?> onClose(
                                            WebSocket ws, int code, String reason) {
                                        closed.complete(new Closed(code, reason));
                                        return null;
                                    }

                                    @Override
                                    public void onError(WebSocket ws, Throwable error) {
                                        closed.complete(new Closed(1006, error.toString()));
                                    }
                                })
                        .join();
    }

    /** Opens a connection to the gateway under test. */
    public static BuilderClient connect(URI gatewayBase) {
        URI uri = URI.create("ws://" + gatewayBase.getAuthority() + BuilderProtocol.PATH);
        return new BuilderClient(uri);
    }

    public void sendText(String text) {
        socket.sendText(text, true).join();
    }

    public void send(ClientMessage message) {
        sendText(MessageCodec.encode(message));
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** The next message from the gateway; fails the test if none comes in time. */
    public ServerMessage next() {
        try {
            String frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(frame).as("a message from the gateway").isNotNull();
            return MessageCodec.decodeServerMessage(frame);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public <T extends ServerMessage> T next(Class<T> type) {
        ServerMessage message = next();
        assertThat(message).isInstanceOf(type);
        return type.cast(message);
    }

    /** The next message if one arrives within {@code wait}, else null. */
    public String poll(Duration wait) throws InterruptedException {
        return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Closed awaitClose() {
        try {
            return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the gateway did not close the connection", e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Sends Hello for {@code key} and answers the challenge request. */
    public ChallengeRequest hello(String fingerprint) {
        send(new Hello(BuilderProtocol.VERSION, fingerprint, "test-builder/1"));
        lastChallenge = next(ChallengeRequest.class);
        return lastChallenge;
    }

    /** The whole handshake, signed by the protocol library. */
    public Authenticated authenticate(SshPrivateKey key) throws Exception {
        hello(key.publicKey().fingerprint());
        answer(key);
        return next(Authenticated.class);
    }

    /** Signs the last challenge with {@code key} and sends the response. */
    public void answer(SshPrivateKey key) throws Exception {
        ChallengeRequest challenge = lastChallenge;
        byte[] signed = AuthChallenge.signedBytes(challenge.connectionId(), challenge.challenge());
        send(
                new ChallengeResponse(
                        challenge.challenge(), key.sign(challenge.namespace(), signed).armored()));
    }

    /** The gateway's id of this connection, from its challenge request. */
    public String connectionId() {
        return lastChallenge.connectionId();
    }

    /**
     * Drops the TCP connection without a close frame, as a crashed builder or a lost network does.
     */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
            try {
                closed.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
    }
}
