package dev.crateforge.gateway.benchmark;

import dev.crateforge.protocol.message.AuthChallenge;
import dev.crateforge.protocol.message.Authenticated;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.ChallengeRequest;
import dev.crateforge.protocol.message.ChallengeResponse;
import dev.crateforge.protocol.message.Hello;
import dev.crateforge.protocol.message.MessageCodec;
import dev.crateforge.protocol.message.ServerMessage;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.concurrent.CompletableFuture;

/** The builder side of one handshake, as the benchmark's load generators drive it. */
final class HandshakeClient {

    private HandshakeClient() {}

    /**
     * The ceiling: opens a connection to the {@link EchoEndpoint}, sends {@code text}, and
     * completes with the socket once the echo arrived, closing it then if asked, as {@link
     * #authenticate} does after {@code authenticated}.
     */
    static CompletableFuture<WebSocket> echo(
            WebSocketClient client, String text, boolean closeWhenDone) {
        CompletableFuture<WebSocket> result = new CompletableFuture<>();
        client.connect(EchoEndpoint.PATH)
                .onFailure(result::completeExceptionally)
                .onSuccess(
                        ws -> {
                            ws.closeHandler(
                                    ignored ->
                                            result.completeExceptionally(
                                                    new IllegalStateException(
                                                            "closed " + ws.closeStatusCode())));
                            ws.textMessageHandler(
                                    echoed -> {
                                        if (echoed.equals(text)) {
                                            result.complete(ws);
                                        } else {
                                            result.completeExceptionally(
                                                    new IllegalStateException("wrong echo"));
                                        }
                                        if (closeWhenDone) {
                                            ws.closeHandler(null);
                                            ws.close();
                                        }
                                    });
                            ws.writeTextMessage(text);
                        });
        return result;
    }

    /**
     * Opens a connection and authenticates as {@code key}; completes with the socket once {@code
     * authenticated} arrived, closing it then if asked.
     */
    static CompletableFuture<WebSocket> authenticate(
            WebSocketClient client, SshPrivateKey key, boolean closeWhenDone) {
        CompletableFuture<WebSocket> result = new CompletableFuture<>();
        client.connect(BuilderProtocol.PATH)
                .onFailure(result::completeExceptionally)
                .onSuccess(
                        ws -> {
                            ws.closeHandler(
                                    ignored ->
                                            result.completeExceptionally(
                                                    new IllegalStateException(
                                                            "closed " + ws.closeStatusCode())));
                            ws.textMessageHandler(
                                    text -> onMessage(ws, text, key, closeWhenDone, result));
                            ws.writeTextMessage(
                                    MessageCodec.encode(
                                            new Hello(
                                                    BuilderProtocol.VERSION,
                                                    key.publicKey().fingerprint(),
                                                    "bench")));
                        });
        return result;
    }

    private static void onMessage(
            WebSocket ws,
            String text,
            SshPrivateKey key,
            boolean closeWhenDone,
            CompletableFuture<WebSocket> result) {
        try {
            ServerMessage message = MessageCodec.decodeServerMessage(text);
            if (message instanceof ChallengeRequest challenge) {
                byte[] signed =
                        AuthChallenge.signedBytes(challenge.connectionId(), challenge.challenge());
                String signature = key.sign(challenge.namespace(), signed).armored();
                ws.writeTextMessage(
                        MessageCodec.encode(
                                new ChallengeResponse(challenge.challenge(), signature)));
            } else if (message instanceof Authenticated) {
                result.complete(ws);
                if (closeWhenDone) {
                    ws.closeHandler(null);
                    ws.close();
                }
            }
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
    }
}
