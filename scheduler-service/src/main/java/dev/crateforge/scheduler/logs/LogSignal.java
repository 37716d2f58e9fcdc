package dev.crateforge.scheduler.logs;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes the live-log followers of a job on this replica when lines of it were committed here, so
 * that a reader sees a line within milliseconds instead of at the next poll. Lines stored by
 * another replica are still found by the follower's poll ({@link LogFollower#PERIOD}).
 */
@ApplicationScoped
public class LogSignal {

    private final ConcurrentHashMap<UUID, CompletableFuture<Void>> waiting =
            new ConcurrentHashMap<>();

    /**
     * What completes at the next commit of lines of {@code jobId}. Take it before reading, so that
     * lines committed between the read and the wait are not missed.
     */
    public CompletableFuture<Void> next(UUID jobId) {
        return waiting.computeIfAbsent(jobId, id -> new CompletableFuture<>());
    }

    /** Forgets a wait nobody needs any more (the follower timed out or ended). */
    public void forget(UUID jobId, CompletableFuture<Void> wait) {
        waiting.remove(jobId, wait);
    }

    /** Lines of these jobs were committed. */
    public void stored(Collection<UUID> jobIds) {
        for (UUID id : jobIds) {
            CompletableFuture<Void> wait = waiting.remove(id);
            if (wait != null) {
                wait.complete(null);
            }
        }
    }
}
