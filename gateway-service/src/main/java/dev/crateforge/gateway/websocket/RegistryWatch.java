package dev.crateforge.gateway.websocket;

import dev.crateforge.gateway.service.BuilderDirectory;
import dev.crateforge.protocol.contract.SocketClose;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Keeps open connections honest with the registry: every few seconds it drops expired registry
 * lookups, writes last-seen times and closes connections of builders that were disabled or deleted.
 * The {@code Disconnect} control record normally does this within a second; this is the safety net
 * for a record this replica missed (for example while it was starting).
 */
@ApplicationScoped
public class RegistryWatch {

    private final BuilderSessions sessions;
    private final BuilderDirectory directory;

    public RegistryWatch(BuilderSessions sessions, BuilderDirectory directory) {
        this.sessions = sessions;
        this.directory = directory;
    }

    @Scheduled(
            every = "${crateforge.gateway.revalidate-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void revalidate() {
        directory.evictExpired();
        Set<UUID> connected =
                sessions.all().stream().map(LiveBuilder::builderId).collect(Collectors.toSet());
        connected.forEach(directory::markSeen);
        directory.flushLastSeen();
        Set<UUID> revoked = directory.revoked(connected);
        for (UUID builderId : revoked) {
            sessions.find(builderId)
                    .ifPresent(
                            live -> {
                                Log.infof(
                                        "builder %s is no longer enabled; closing connection %s",
                                        builderId, live.connectionId());
                                live.close(SocketClose.BUILDER_REVOKED);
                            });
        }
    }
}
