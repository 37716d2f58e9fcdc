package dev.crateforge.gateway.service;

import dev.crateforge.gateway.config.GatewayConfig;
import dev.crateforge.gateway.repository.BuilderRepository;
import dev.crateforge.gateway.repository.FingerprintLookup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The WebSocket side's read path into the registry: fingerprint lookups cached for a few seconds
 * (so that thousands of handshakes per second do not each cost a query), last-seen times written in
 * batches, and a check of which connected builders are still enabled.
 *
 * <p>Why a short TTL is enough: on the replica where an operator changes a builder the entry is
 * invalidated at once; every other replica drops it when the {@code Disconnect} control record
 * arrives, and at the latest after {@link GatewayConfig#registryCacheTtl()}.
 *
 * <p>A lookup is asynchronous so that the handshake can stay on the connection's event loop: a
 * cache hit answers at once, and only a miss goes to a worker thread for its query. Measured on the
 * handshake benchmark, two worker-thread hops per handshake cost more CPU than the signature check.
 */
@ApplicationScoped
public class BuilderDirectory {

    /** Beyond this many cached fingerprints the cache starts over rather than growing. */
    private static final int MAX_CACHED = 100_000;

    /** Ids per {@code IN} list when writing last-seen times or checking revocations. */
    private static final int CHUNK = 1000;

    private record Cached(Optional<KnownBuilder> builder, long expiresAtNanos) {
        boolean fresh(long nowNanos) {
            return expiresAtNanos - nowNanos > 0;
        }
    }

    private final BuilderRepository builders;
    private final FingerprintLookup lookup;
    private final Vertx vertx;
    private final long ttlNanos;
    private final Map<String, Cached> byFingerprint = new ConcurrentHashMap<>();
    private final Set<UUID> seen = ConcurrentHashMap.newKeySet();

    public BuilderDirectory(
            BuilderRepository builders,
            FingerprintLookup lookup,
            GatewayConfig config,
            Vertx vertx) {
        this.builders = builders;
        this.lookup = lookup;
        this.vertx = vertx;
        this.ttlNanos = config.registryCacheTtl().toNanos();
    }

    /**
     * The builder registered with this key fingerprint, enabled or not. Completes on the caller's
     * Vert.x context: at once from the cache, else after a query on a worker thread.
     */
    public Uni<Optional<KnownBuilder>> findByFingerprint(String fingerprint) {
        Cached cached = byFingerprint.get(fingerprint);
        if (cached != null && cached.fresh(System.nanoTime())) {
            return Uni.createFrom().item(cached.builder);
        }
        Context context = vertx.getOrCreateContext();
        return Uni.createFrom()
                .completionStage(
                        () ->
                                context.executeBlocking(() -> load(fingerprint), false)
                                        .toCompletionStage());
    }

    private Optional<KnownBuilder> load(String fingerprint) {
        long now = System.nanoTime();
        Optional<KnownBuilder> found = lookup.find(fingerprint).map(KnownBuilder::of);
        if (byFingerprint.size() >= MAX_CACHED) {
            byFingerprint.clear();
        }
        byFingerprint.put(fingerprint, new Cached(found, now + ttlNanos));
        return found;
    }

    /** Forgets what is cached about a builder, by id or by fingerprint (either may be null). */
    public void invalidate(UUID id, String fingerprint) {
        if (fingerprint != null) {
            byFingerprint.remove(fingerprint);
        }
        if (id != null) {
            byFingerprint
                    .values()
                    .removeIf(c -> c.builder.isPresent() && c.builder.get().id().equals(id));
        }
    }

    /**
     * Drops entries past their TTL. A lookup never reads them again, but without this they stay
     * until the cache starts over at {@value #MAX_CACHED}: one stale entry per builder that ever
     * connected, weighing on the heap per connection. Called by the periodic revalidation.
     */
    public int evictExpired() {
        long now = System.nanoTime();
        int before = byFingerprint.size();
        byFingerprint.values().removeIf(cached -> !cached.fresh(now));
        return before - byFingerprint.size();
    }

    /**
     * Notes that a builder was connected; {@link #flushLastSeen()} writes the time. Last-seen times
     * are thus accurate to the flush interval, which is what lets one statement write them all.
     */
    public void markSeen(UUID id) {
        seen.add(id);
    }

    /** Writes the noted last-seen times as now, one short transaction for all of them. */
    @Transactional
    public int flushLastSeen() {
        List<UUID> batch = new ArrayList<>(seen.size());
        for (Iterator<UUID> it = seen.iterator(); it.hasNext(); ) {
            batch.add(it.next());
            it.remove();
        }
        Instant now = Instant.now();
        for (int from = 0; from < batch.size(); from += CHUNK) {
            builders.touchLastSeen(batch.subList(from, Math.min(batch.size(), from + CHUNK)), now);
        }
        return batch.size();
    }

    /** The builders among {@code connected} that were disabled or deleted meanwhile. */
    @Transactional
    public Set<UUID> revoked(Collection<UUID> connected) {
        if (connected.isEmpty()) {
            return Set.of();
        }
        Set<UUID> revoked = new HashSet<>(connected);
        List<UUID> ids = List.copyOf(connected);
        for (int from = 0; from < ids.size(); from += CHUNK) {
            revoked.removeAll(
                    builders.enabledAmong(ids.subList(from, Math.min(ids.size(), from + CHUNK))));
        }
        return revoked;
    }
}
