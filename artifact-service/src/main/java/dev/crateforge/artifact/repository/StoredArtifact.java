package dev.crateforge.artifact.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * An artifact whose bytes are in S3 and whose SHA-256 checked out. The row is what makes an
 * artifact visible: an object without a row is never served.
 */
@Entity
@Table(name = "artifact")
public class StoredArtifact {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "job_id")
    public UUID jobId;

    public int attempt;
    public String crate;
    public String version;
    public String target;

    /** Wire name of the {@code ArtifactKind}. */
    public String kind;

    public long size;

    /** 64 lowercase hex digits. */
    public String sha256;

    @Column(name = "s3_key")
    public String s3Key;

    @Column(name = "created_at")
    public Instant createdAt;

    /**
     * Whether the registry yanked the crate version: set and cleared by {@code VersionYankChanged}
     * records of the registry intake, and taken from the stored yank state when the artifact is
     * recorded (a yank may come first). A yanked artifact is still served.
     */
    public boolean yanked;
}
