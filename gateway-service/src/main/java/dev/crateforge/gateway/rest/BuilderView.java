package dev.crateforge.gateway.rest;

import dev.crateforge.gateway.repository.Builder;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A registered builder as the admin API shows it. */
public record BuilderView(
        UUID id,
        String name,
        String fingerprint,
        String keyType,
        String publicKey,
        boolean enabled,
        List<String> allowedTargets,
        int maxConcurrentJobs,
        Instant createdAt,
        Instant lastSeenAt,
        String owner) {

    static BuilderView of(Builder b) {
        return new BuilderView(
                b.getId(),
                b.getName(),
                b.getFingerprint(),
                b.getKeyType(),
                b.getPublicKey(),
                b.isEnabled(),
                b.getAllowedTargets(),
                b.getMaxConcurrentJobs(),
                b.getCreatedAt(),
                b.getLastSeenAt(),
                b.getOwner());
    }
}
