package dev.crateforge.gateway.service;

import dev.crateforge.gateway.config.GatewayConfig;
import dev.crateforge.gateway.repository.BuilderRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
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
 */
@ApplicationScoped
public class BuilderDirectory {

    /** Beyond this many cached fingerprints the cache starts over rather than growing. */
    private static final int MAX_CACHED = 100_000;

    private record Cached(Optional<KnownBuilder> builder, long expiresAtNanos) {}

    private final BuilderRepository builders;
    private final long ttlNanos;
    private final Map<String, Cached> byFingerprint = new ConcurrentHashMap<>();
    private final Map<UUID, Instant> seen = new ConcurrentHashMap<>();

    public BuilderDirectory(BuilderRepository builders, GatewayConfig config) {
        this.builders = builders;
        this.ttlNanos = config.registryCacheTtl().toNanos();
    }

    /** The builder registered with this key fingerprint, enabled or not. Blocking. */
    @Transactional
    public Optional<KnownBuilder> findByFingerprint(String fingerprint) {
        long now = System.nanoTime();
        Cached cached = byFingerprint.get(fingerprint);
        if (cached != null && cached.expiresAtNanos - now > 0) {
            return cached.builder;
        }
        Optional<KnownBuilder> found =
                builders.findByFingerprint(fingerprint).map(KnownBuilder::of);
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

    /** Notes that a builder was connected now; written by {@link #flushLastSeen()}. */
    public void markSeen(UUID id) {
        seen.put(id, Instant.now());
    }

    /** Writes the noted last-seen times, one short transaction for all of them. */
    @Transactional
    public int flushLastSeen() {
        Map<UUID, Instant> batch = new HashMap<>();
        for (UUID id : Set.copyOf(seen.keySet())) {
            Instant at = seen.remove(id);
            if (at != null) {
                batch.put(id, at);
            }
        }
        batch.forEach(builders::touchLastSeen);
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
        for (int from = 0; from < ids.size(); from += 1000) {
            revoked.removeAll(
                    builders.enabledAmong(ids.subList(from, Math.min(ids.size(), from + 1000))));
        }
        return revoked;
    }
}
