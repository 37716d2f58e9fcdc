package dev.crateforge.builder.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.builder.support.TestKeys;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.message.Authenticated;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.ChallengeRequest;
import dev.crateforge.protocol.message.ChallengeResponse;
import dev.crateforge.protocol.message.ClientMessage;
import dev.crateforge.protocol.message.Hello;
import dev.crateforge.protocol.message.MessageCodec;
import dev.crateforge.protocol.message.ServerMessage;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The connection's handshake against a WebSocket that behaves as the JDK's does when the machine is
 * busy: a send completes only when the test says so, and a text send while another is pending fails
 * with "Send pending". The gateway may answer a frame before its send has completed here.
 */
class GatewaySessionTests {

    private final List<ServerMessage> handled = new CopyOnWriteArrayList<>();
    private final List<Authenticated> authenticated = new CopyOnWriteArrayList<>();
    private final GatewaySession session =
            new GatewaySession(
                    TestKeys.builderKey(),
                    "test-agent",
                    new GatewaySession.Handler() {
                        @Override
                        public void authenticated(GatewaySession s, Authenticated message) {
                            authenticated.add(message);
                        }

                        @Override
                        public void message(GatewaySession s, ServerMessage message) {
                            handled.add(message);
                        }
                    });
    private final SlowSocket socket = new SlowSocket();

    @Test
    void answersTheChallengeOnlyOnceTheHelloHasGoneOut() {
        session.onOpen(socket);
        // the gateway's challenge arrives while the hello's send is still pending here
        session.onText(socket, MessageCodec.encode(challenge()), true);
        assertThat(socket.sent()).hasSize(1).first().isInstanceOf(Hello.class);

        socket.completeNext();

        assertThat(socket.sent()).hasSize(2);
        assertThat(socket.sent().get(1)).isInstanceOf(ChallengeResponse.class);
        assertThat(socket.refused).isZero();
        assertThat(session.closed()).isNotDone();
    }

    @Test
    void theFirstMessageAfterAuthenticatingWaitsForTheChallengeResponse() {
        session.onOpen(socket);
        socket.completeNext();
        session.onText(socket, MessageCodec.encode(challenge()), true);
        // authenticated before the challenge response's send has completed here
        session.onText(
                socket,
                MessageCodec.encode(new Authenticated(UUID.randomUUID(), "b", 1 << 20)),
                true);
        assertThat(authenticated).hasSize(1);

        CompletableFuture<WebSocket> request = session.send("{\"type\":\"job_request\"}");
        assertThat(request).isNotDone();
        socket.completeNext();
        socket.completeNext();

        assertThat(request).isCompleted();
        assertThat(socket.texts).hasSize(3).last().isEqualTo("{\"type\":\"job_request\"}");
        assertThat(socket.refused).isZero();
    }

    @Test
    void aHandshakeThatNeverFinishesIsAbortedWhenTheAgentsDeadlinePasses() {
        session.onOpen(socket);
        socket.completeNext();

        session.abortUnlessAuthenticated("no answer to the handshake within 30 s");

        assertThat(socket.aborted).isTrue();
        assertThat(session.closed())
                .isCompletedWithValue(
                        new GatewaySession.Close(
                                GatewaySession.ABNORMAL,
                                "no answer to the handshake within 30 s",
                                true));
    }

    @Test
    void anAuthenticatedConnectionOutlivesTheDeadline() {
        session.onOpen(socket);
        socket.completeNext();
        session.onText(socket, MessageCodec.encode(challenge()), true);
        socket.completeNext();
        session.onText(
                socket,
                MessageCodec.encode(new Authenticated(UUID.randomUUID(), "b", 1 << 20)),
                true);

        session.abortUnlessAuthenticated("no answer to the handshake within 30 s");

        assertThat(socket.aborted).isFalse();
        assertThat(session.closed()).isNotDone();
        assertThat(session.authenticated()).isTrue();
    }

    private static ChallengeRequest challenge() {
        byte[] random = new byte[BuilderProtocol.CHALLENGE_BYTES];
        return new ChallengeRequest(
                "conn-1",
                Base64.getEncoder().encodeToString(random),
                BuilderProtocol.AUTH_NAMESPACE,
                10);
    }

    /** Sends complete one at a time, when the test calls {@link #completeNext}. */
    private static final class SlowSocket implements WebSocket {
        final List<String> texts = new ArrayList<>();
        final ArrayDeque<CompletableFuture<WebSocket>> pending = new ArrayDeque<>();
        int refused;
        boolean aborted;

        List<ClientMessage> sent() {
            List<ClientMessage> messages = new ArrayList<>();
            for (String text : texts) {
                try {
                    messages.add(MessageCodec.decodeClientMessage(text));
                } catch (ProtocolDecodeException e) {
                    throw new AssertionError("the builder sent what does not decode: " + text, e);
                }
            }
            return messages;
        }

        void completeNext() {
            CompletableFuture<WebSocket> next = pending.poll();
            assertThat(next).as("a pending send").isNotNull();
            next.complete(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
            if (!pending.isEmpty()) {
                refused++;
                return CompletableFuture.failedFuture(new IllegalStateException("Send pending"));
            }
            texts.add(data.toString());
            CompletableFuture<WebSocket> send = new CompletableFuture<>();
            pending.add(send);
            return send;
        }

        @Override
        public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public void request(long n) {}

        @Override
        public String getSubprotocol() {
            return "";
        }

        @Override
        public boolean isOutputClosed() {
            return aborted;
        }

        @Override
        public boolean isInputClosed() {
            return aborted;
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }
}
