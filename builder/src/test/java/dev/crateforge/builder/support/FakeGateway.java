package dev.crateforge.builder.support;

import dev.crateforge.protocol.contract.SocketClose;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.message.Authenticated;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.ChallengeRequest;
import dev.crateforge.protocol.message.ChallengeResponse;
import dev.crateforge.protocol.message.ClientMessage;
import dev.crateforge.protocol.message.Hello;
import dev.crateforge.protocol.message.MessageCodec;
import dev.crateforge.protocol.message.ServerMessage;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPublicKey;
import dev.crateforge.protocol.ssh.SshSignature;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The gateway's end of the builder WebSocket, played by a real Vert.x server on loopback: it issues
 * challenges, checks the signatures over the bytes docs/protocol.md defines (written out here
 * literally, not taken from the code under test) and records every message, strictly decoded, so
 * that a test can assert what the builder put on the wire.
 */
public final class FakeGateway implements AutoCloseable {

    /** One message a builder sent, with the number of the connection it came on (from 1). */
    public record Received(int connection, ClientMessage message) {}

    /** What the gateway saw during one handshake. */
    public record Handshake(
            int connection,
            Hello hello,
            String connectionId,
            String challenge,
            String signature,
            boolean verified) {}

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final SshPublicKey registeredKey;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final List<Handshake> handshakes = new CopyOnWriteArrayList<>();
    private final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> decodeErrors = new CopyOnWriteArrayList<>();
    private final SecureRandom random = new SecureRandom();

    public FakeGateway(SshPublicKey registeredKey) throws Exception {
        this.registeredKey = registeredKey;
        this.server =
                vertx.createHttpServer()
                        .webSocketHandler(this::connected)
                        .listen(0, "127.0.0.1")
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
    }

    public URI url() {
        return URI.create("ws://127.0.0.1:" + server.actualPort() + BuilderProtocol.PATH);
    }

    private void connected(ServerWebSocket ws) {
        if (!ws.path().equals(BuilderProtocol.PATH)) {
            ws.close((short) SocketClose.AUTHENTICATION_FAILED.code(), "wrong path");
            return;
        }
        sockets.add(ws);
        int connection = sockets.size();
        String connectionId = "conn-" + connection;
        byte[] challengeBytes = new byte[BuilderProtocol.CHALLENGE_BYTES];
        random.nextBytes(challengeBytes);
        String challenge = Base64.getEncoder().encodeToString(challengeBytes);
        Hello[] hello = new Hello[1];
        boolean[] authenticated = new boolean[1];
        ws.textMessageHandler(
                text -> {
                    ClientMessage message;
                    try {
                        message = MessageCodec.decodeClientMessage(text);
                    } catch (ProtocolDecodeException e) {
                        decodeErrors.add(e.getMessage());
                        ws.close((short) SocketClose.AUTHENTICATION_FAILED.code(), "decode error");
                        return;
                    }
                    if (hello[0] == null && message instanceof Hello h) {
                        hello[0] = h;
                        send(
                                ws,
                                new ChallengeRequest(
                                        connectionId,
                                        challenge,
                                        BuilderProtocol.AUTH_NAMESPACE,
                                        10));
                    } else if (!authenticated[0]
                            && hello[0] != null
                            && message instanceof ChallengeResponse response) {
                        boolean ok =
                                response.challenge().equals(challenge)
                                        && verify(connectionId, challenge, response.signature());
                        handshakes.add(
                                new Handshake(
                                        connection,
                                        hello[0],
                                        connectionId,
                                        challenge,
                                        response.signature(),
                                        ok));
                        if (ok) {
                            authenticated[0] = true;
                            send(ws, new Authenticated(UUID.randomUUID(), "test-builder", 1 << 20));
                        } else {
                            ws.close(
                                    (short) SocketClose.AUTHENTICATION_FAILED.code(),
                                    SocketClose.AUTHENTICATION_FAILED.reason());
                        }
                    } else if (authenticated[0]) {
                        received.add(new Received(connection, message));
                    } else {
                        ws.close(
                                (short) SocketClose.AUTHENTICATION_FAILED.code(),
                                "message out of order");
                    }
                });
    }

    /** The signed text exactly as docs/protocol.md §3 spells it. */
    private boolean verify(String connectionId, String challenge, String armored) {
        String text =
                "crateforge-auth/v1\nconnection: "
                        + connectionId
                        + "\nchallenge: "
                        + challenge
                        + "\n";
        try {
            return SshSignature.parse(armored)
                    .verify(
                            registeredKey,
                            "builder-auth@crateforge.dev",
                            text.getBytes(StandardCharsets.UTF_8));
        } catch (SshFormatException e) {
            return false;
        }
    }

    private static void send(ServerWebSocket ws, ServerMessage message) {
        ws.writeTextMessage(MessageCodec.encode(message));
    }

    /** Sends to the newest connection. */
    public void send(ServerMessage message) {
        send(sockets.get(sockets.size() - 1), message);
    }

    /** Closes the newest connection with a close frame. */
    public void close(int code, String reason) {
        sockets.get(sockets.size() - 1).close((short) code, reason);
    }

    public int connections() {
        return sockets.size();
    }

    public List<Handshake> handshakes() {
        return handshakes;
    }

    public List<String> decodeErrors() {
        return decodeErrors;
    }

    /** The next message matching {@code filter}, skipping others; fails after 60 s. */
    public <T extends ClientMessage> Received next(Class<T> type, Predicate<T> filter)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Received r = received.poll(100, TimeUnit.MILLISECONDS);
            if (r != null && type.isInstance(r.message()) && filter.test(type.cast(r.message()))) {
                return r;
            }
            if (r != null) {
                skipped.add(r);
            }
        }
        List<Received> last = skipped.subList(Math.max(0, skipped.size() - 10), skipped.size());
        throw new AssertionError(
                "no " + type.getSimpleName() + " within 60 s; the last messages seen: " + last);
    }

    public <T extends ClientMessage> T nextMessage(Class<T> type) throws InterruptedException {
        return type.cast(next(type, m -> true).message());
    }

    /** Messages passed over by {@link #next}, in order. */
    public final List<Received> skipped = new CopyOnWriteArrayList<>();

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
