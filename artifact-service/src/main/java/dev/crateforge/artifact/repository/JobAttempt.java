package dev.crateforge.artifact.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * The latest state of a job as the scheduler last announced it. The artifact service keeps its own
 * copy (fed from Kafka) so that checking an upload's attempt never needs a call to the scheduler.
 */
@Entity
@Table(name = "job_attempt")
public class JobAttempt {

    @Id
    @Column(name = "job_id")
    public UUID jobId;

    public int attempt;

    /** Wire name of the {@code JobState}. */
    public String state;

    @Column(name = "builder_id")
    public UUID builderId;

    public String crate;
    public String version;
    public String target;

    /** Wire name of the {@code ArtifactKind} the job builds. */
    public String kind;

    /** The signed build statement, once the job succeeded. */
    public String statement;

    /** The builder's armored SSHSIG over {@link #statement}. */
    public String signature;

    /** The OpenSSH public key line that verifies {@link #signature}. */
    @Column(name = "builder_public_key")
    public String builderPublicKey;

    /**
     * The builder's DSSE envelope (compact JSON) carrying SLSA provenance; null when its builder
     * sent none.
     */
    @Column(name = "provenance_envelope")
    public String provenanceEnvelope;

    /** When the scheduler changed the state. */
    @Column(name = "changed_at")
    public Instant changedAt;

    /** When this service recorded the change. */
    @Column(name = "updated_at")
    public Instant updatedAt;

    public boolean hasProvenance() {
        return statement != null && signature != null && builderPublicKey != null;
    }
}
