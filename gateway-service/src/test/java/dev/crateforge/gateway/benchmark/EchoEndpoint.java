package dev.crateforge.gateway.benchmark;

import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.smallrye.common.annotation.NonBlocking;

/**
 * The ceiling of {@link HandshakeBenchmark}: a bare websockets-next endpoint that echoes each text
 * frame, served by the same app, on the same event loops, as the builders' endpoint. It lives in
 * the test sources, so it is never part of the gateway that ships.
 */
@WebSocket(path = EchoEndpoint.PATH)
public class EchoEndpoint {

    static final String PATH = "/benchmark/echo";

    @OnTextMessage
    @NonBlocking
    public String echo(String text) {
        return text;
    }
}
