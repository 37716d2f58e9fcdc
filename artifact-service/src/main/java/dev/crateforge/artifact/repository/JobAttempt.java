package dev.crateforge.artifact.repository;

import dev.crateforge.protocol.job.ReproductionVerdict;
import dev.crateforge.protocol.kafka.Reproduction;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
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

    /**
     * The reproduction the job is part of (the first build's job id), or null for a job built once.
     */
    @Column(name = "reproduction_group")
    public UUID reproductionGroup;

    /** How many builds of the reproduction must agree; null for a job built once. */
    @Column(name = "reproduction_builds")
    public Integer reproductionBuilds;

    /** Wire name of the {@code ReproductionVerdict}; null for a job built once. */
    @Column(name = "reproduction_verdict")
    public String reproductionVerdict;

    /** Whether an operator released this build although the builds did not agree. */
    @Column(name = "reproduction_released")
    public Boolean reproductionReleased;

    /** The scheduler's time of the record the reproduction came with. */
    @Column(name = "reproduction_at")
    public Instant reproductionAt;

    public boolean hasProvenance() {
        return statement != null && signature != null && builderPublicKey != null;
    }

    /** The job's part in a reproduction, if it is one of several builds that must agree. */
    public Optional<Reproduction> reproduction() {
        if (reproductionGroup == null) {
            return Optional.empty();
        }
        return Optional.of(
                new Reproduction(
                        reproductionGroup,
                        reproductionBuilds,
                        ReproductionVerdict.fromWireName(reproductionVerdict).orElseThrow(),
                        reproductionReleased));
    }

    /** Whether the job's artifacts may be served on the public paths once it succeeded. */
    public boolean publishable() {
        return reproduction().map(Reproduction::publishable).orElse(true);
    }
}
