package dev.crateforge.gateway.websocket;

import dev.crateforge.protocol.contract.SocketClose;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;

/**
 * On shutdown, stops accepting builders and closes every connection with 1001 so that builders
 * reconnect to another replica at once instead of finding a dead socket later.
 */
@ApplicationScoped
public class GracefulShutdown {

    /** How long to wait for the close handshakes before shutdown goes on regardless. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final BuilderSessions sessions;

    public GracefulShutdown(BuilderSessions sessions) {
        this.sessions = sessions;
    }

    /**
     * With {@code quarkus.shutdown.delay-enabled}, fired first, before the HTTP layer waits for
     * requests (an upgraded WebSocket would hold that wait for the whole shutdown timeout).
     */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        drain();
    }

    void onShutdown(@Observes ShutdownEvent event) {
        drain();
    }

    private void drain() {
        if (sessions.draining()) {
            return;
        }
        int closing = sessions.drain(SocketClose.DRAINING);
        Log.infof("shutting down: closing %d builder connections with 1001", closing);
        Instant until = Instant.now().plus(CLOSE_WAIT);
        while (sessions.openCount() > 0 && Instant.now().isBefore(until)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
