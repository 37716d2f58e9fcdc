package dev.crateforge.gateway.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A registered builder: the key it authenticates with and what it may build. The fingerprint is
 * unique because it is how a {@code Hello} names the builder.
 */
@Entity
@Table(name = "builder")
public class Builder {

    @Id private UUID id;

    @Column(nullable = false, length = 128)
    private String name;

    @Column(name = "public_key", nullable = false)
    private String publicKey;

    @Column(name = "key_type", nullable = false, length = 64)
    private String keyType;

    @Column(nullable = false, length = 64, unique = true)
    private String fingerprint;

    @Column(nullable = false)
    private boolean enabled;

    @Column(name = "allowed_targets", nullable = false)
    private String[] allowedTargets;

    @Column(name = "max_concurrent_jobs", nullable = false)
    private int maxConcurrentJobs;

    /** Who runs the builder; null when not known. */
    private String owner;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "last_seen_at")
    private Instant lastSeenAt;

    protected Builder() {}

    public Builder(
            UUID id,
            String name,
            String publicKey,
            String keyType,
            String fingerprint,
            boolean enabled,
            List<String> allowedTargets,
            int maxConcurrentJobs,
            Instant createdAt) {
        this.id = id;
        this.name = name;
        this.publicKey = publicKey;
        this.keyType = keyType;
        this.fingerprint = fingerprint;
        this.enabled = enabled;
        this.allowedTargets = allowedTargets.toArray(String[]::new);
        this.maxConcurrentJobs = maxConcurrentJobs;
        this.createdAt = createdAt;
    }

    public UUID getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getPublicKey() {
        return publicKey;
    }

    public String getKeyType() {
        return keyType;
    }

    public String getFingerprint() {
        return fingerprint;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public List<String> getAllowedTargets() {
        return List.of(allowedTargets);
    }

    public void setAllowedTargets(List<String> allowedTargets) {
        this.allowedTargets = allowedTargets.toArray(String[]::new);
    }

    public String getOwner() {
        return owner;
    }

    public void setOwner(String owner) {
        this.owner = owner;
    }

    public int getMaxConcurrentJobs() {
        return maxConcurrentJobs;
    }

    public void setMaxConcurrentJobs(int maxConcurrentJobs) {
        this.maxConcurrentJobs = maxConcurrentJobs;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getLastSeenAt() {
        return lastSeenAt;
    }
}
