package dev.crateforge.gateway.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One period in which a builder's key was enabled. Kept when the builder is disabled or deleted:
 * provenance signed in that period must stay checkable against the published key.
 */
@Entity
@Table(name = "builder_key_period")
public class BuilderKeyPeriod {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "builder_id", nullable = false)
    private UUID builderId;

    @Column(name = "public_key", nullable = false)
    private String publicKey;

    @Column(nullable = false, length = 64)
    private String fingerprint;

    @Column(name = "valid_from", nullable = false)
    private Instant validFrom;

    @Column(name = "valid_until")
    private Instant validUntil;

    protected BuilderKeyPeriod() {}

    public BuilderKeyPeriod(UUID builderId, String publicKey, String fingerprint, Instant from) {
        this.builderId = builderId;
        this.publicKey = publicKey;
        this.fingerprint = fingerprint;
        this.validFrom = from;
    }

    public UUID getBuilderId() {
        return builderId;
    }

    public String getPublicKey() {
        return publicKey;
    }

    public String getFingerprint() {
        return fingerprint;
    }

    public Instant getValidFrom() {
        return validFrom;
    }

    /** Null while the key is enabled. */
    public Instant getValidUntil() {
        return validUntil;
    }

    public void close(Instant at) {
        this.validUntil = at.isBefore(validFrom) ? validFrom : at;
    }
}
