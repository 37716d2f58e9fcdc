package dev.crateforge.scheduler.job;

import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.json.ProtocolJson;
import dev.crateforge.protocol.kafka.Provenance;
import dev.crateforge.protocol.kafka.Reproduction;
import dev.crateforge.protocol.provenance.DsseEnvelope;
import dev.crateforge.scheduler.lifecycle.JobFacts;
import dev.crateforge.scheduler.lifecycle.JobLifecycle;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One build of one crate version for one target and artifact kind, with the state of its current
 * attempt. The row is the single source of truth for who holds the job and until when.
 */
@Entity
@Table(name = "job")
public class Job {

    @Id public UUID id;

    public String crate;
    public String version;

    @Column(name = "source_url")
    public String sourceUrl;

    @Column(name = "source_sha256")
    public String sourceSha256;

    public String target;

    @Convert(converter = ArtifactKindConverter.class)
    public ArtifactKind kind;

    public int priority;

    /**
     * The priority the submitter or an operator asked for, kept once a retry lowered {@link
     * #priority}; null while they are the same.
     */
    @Column(name = "requested_priority")
    public Integer requestedPriority;

    /**
     * Builders that lost an attempt of this job to a fault of theirs; until {@link #avoidUntil} the
     * claim gives the job to any other builder only.
     */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "avoid_builder_ids")
    public UUID[] avoidBuilderIds = new UUID[0];

    @Column(name = "avoid_until")
    public Instant avoidUntil;

    /** How many independent builds must agree (1: built once). */
    public int reproduce = 1;

    /** This build's number among them, from 0; the first build keeps the job's identity. */
    public int replica;

    /** Who runs the builder of the current or last attempt, when its operator said. */
    @Column(name = "builder_owner")
    public String builderOwner;

    /** The first build's id, shared by all builds of a reproduction; null when built once. */
    @Column(name = "reproduction_group")
    public UUID reproductionGroup;

    /** The {@code ReproductionVerdict} wire name, on every build of a reproduction. */
    @Column(name = "reproduction_verdict")
    public String reproductionVerdict;

    /** An operator published this build although the builds did not agree. */
    @Column(name = "reproduction_released")
    public boolean reproductionReleased;

    @Column(name = "fair_turn")
    public long fairTurn;

    @Convert(converter = JobStateConverter.class)
    public JobState state;

    public int attempt;

    @Column(name = "max_attempts")
    public int maxAttempts;

    @Column(name = "builder_id")
    public UUID builderId;

    @Column(name = "connection_id")
    public String connectionId;

    @Column(name = "gateway_instance")
    public String gatewayInstance;

    @Column(name = "lease_expires_at")
    public Instant leaseExpiresAt;

    @Column(name = "not_before")
    public Instant notBefore;

    @Column(name = "disconnected_at")
    public Instant disconnectedAt;

    public String stage;

    @Column(name = "failure_reason")
    public String failureReason;

    /** The {@code FailureCode} wire name of the last failure (of this or an earlier attempt). */
    @Column(name = "failure_code")
    public String failureCode;

    /** Requeues for failures that were not the crate's; capped on their own. */
    @Column(name = "infrastructure_retries")
    public int infrastructureRetries;

    @Column(name = "log_bytes")
    public long logBytes;

    @Column(name = "log_truncated")
    public boolean logTruncated;

    @Column(name = "pending_completion")
    public String pendingCompletion;

    @Column(name = "completion_seen_at")
    public Instant completionSeenAt;

    public String statement;
    public String signature;

    @Column(name = "builder_public_key")
    public String builderPublicKey;

    /** The builder's DSSE envelope as JSON, verified when the job succeeded; null if none. */
    @Column(name = "provenance_envelope")
    public String provenanceEnvelope;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "assigned_at")
    public Instant assignedAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    /** The reproduction this build is part of; null when the job is built once. */
    public Reproduction reproduction() {
        return Reproductions.of(
                reproduce, reproductionGroup, reproductionVerdict, reproductionReleased);
    }

    /** The lifecycle facts of the row, for {@link JobLifecycle}. */
    public JobFacts lifecycleFacts() {
        return new JobFacts(
                id,
                state,
                attempt,
                maxAttempts,
                infrastructureRetries,
                builderId,
                connectionId,
                notBefore,
                leaseExpiresAt,
                disconnectedAt,
                completionSeenAt);
    }

    /** What lets anyone check the build, once the job succeeded; null before. */
    public Provenance provenance() {
        if (statement == null) {
            return null;
        }
        DsseEnvelope envelope = null;
        if (provenanceEnvelope != null) {
            try {
                envelope = ProtocolJson.decode(provenanceEnvelope, DsseEnvelope.class);
            } catch (ProtocolDecodeException e) {
                // Written by this service after verification: unreadable means a hand edit.
                throw new IllegalStateException(
                        "stored provenance envelope of job " + id + " is unreadable", e);
            }
        }
        return new Provenance(statement, signature, builderPublicKey, envelope);
    }
}
