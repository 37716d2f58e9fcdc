package dev.crateforge.artifact.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * The kept comparison of the outputs of a reproduction whose builds disagreed (JSON, served as it
 * is by {@code GET /api/v1/reproductions/{group}/comparison}).
 */
@Entity
@Table(name = "reproduction_comparison")
public class ReproductionComparison {

    @Id
    @Column(name = "reproduction_group")
    public UUID reproductionGroup;

    /** SHA-256 (hex) of what was compared: each build's job, attempt, state and digests. */
    public String inputs;

    /** The comparison as JSON. */
    public String comparison;

    @Column(name = "computed_at")
    public Instant computedAt;
}
