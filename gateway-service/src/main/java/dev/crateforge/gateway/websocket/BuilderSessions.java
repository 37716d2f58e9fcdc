package dev.crateforge.gateway.websocket;

import dev.crateforge.gateway.service.GatewayMetrics;
import dev.crateforge.protocol.contract.SocketClose;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which builders this replica holds: builder id to its one authenticated connection. This map is
 * the whole routing table of the gateway; Kafka records for builders not in it are ignored (see
 * docs/gateway.md, "Routing").
 *
 * <p>One connection per builder: a newer authenticated connection replaces the older one, which the
 * caller closes. A builder that reconnects after a network failure thus never waits for the dead
 * socket to time out, and an assignment always has one place to go.
 */
@ApplicationScoped
public class BuilderSessions {

    private final Map<UUID, LiveBuilder> byBuilder = new ConcurrentHashMap<>();
    private final Map<String, LiveBuilder> open = new ConcurrentHashMap<>();
    private volatile boolean draining;
    private final AtomicInteger connected;

    // @Inject: with two constructors CDI would otherwise take the no-argument one, and the
    // connected-builders gauge would never move.
    @Inject
    public BuilderSessions(GatewayMetrics metrics) {
        this.connected = metrics.connectedBuilders();
    }

    /** For tests of the routing alone. */
    public BuilderSessions() {
        this.connected = new AtomicInteger();
    }

    public Optional<LiveBuilder> find(UUID builderId) {
        return Optional.ofNullable(byBuilder.get(builderId));
    }

    /** Makes {@code live} the builder's connection; answers with the one it replaced, if any. */
    public Optional<LiveBuilder> bind(LiveBuilder live) {
        LiveBuilder previous = byBuilder.put(live.builderId(), live);
        if (previous == null) {
            connected.incrementAndGet();
        }
        return Optional.ofNullable(previous);
    }

    /** Forgets {@code live}, unless a newer connection of the builder already replaced it. */
    public boolean unbind(LiveBuilder live) {
        boolean removed = byBuilder.remove(live.builderId(), live);
        if (removed) {
            connected.decrementAndGet();
        }
        return removed;
    }

    /**
     * Tracks an open socket, authenticated or not, so that shutdown can close it. The one map of
     * open sockets: the endpoint finds its connection here too, which saves a second map entry per
     * idle builder.
     */
    public void opened(String socketId, LiveBuilder connection) {
        open.put(socketId, connection);
    }

    /** The connection of an open socket, or null once it closed. */
    public LiveBuilder open(String socketId) {
        return open.get(socketId);
    }

    /** Forgets an open socket; answers its connection, or null if it was not tracked. */
    public LiveBuilder closed(String socketId) {
        return open.remove(socketId);
    }

    /** True once shutdown began: new connections are refused. */
    public boolean draining() {
        return draining;
    }

    /** Stops accepting and closes every open connection as {@code close}. Answers how many. */
    public int drain(SocketClose close) {
        draining = true;
        List<LiveBuilder> toClose = List.copyOf(open.values());
        toClose.forEach(c -> c.close(close));
        return toClose.size();
    }

    public int openCount() {
        return open.size();
    }

    public Collection<LiveBuilder> all() {
        return List.copyOf(byBuilder.values());
    }
}
