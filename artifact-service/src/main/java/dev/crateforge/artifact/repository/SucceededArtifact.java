package dev.crateforge.artifact.repository;

/**
 * An artifact stored by the attempt that made its job succeed, with which of that build's
 * provenance files the service holds.
 *
 * @param hasProvenance the SSHSIG statement, its signature and the builder's key
 * @param hasEnvelope the SLSA provenance, a DSSE envelope (only with {@code hasProvenance})
 * @param hasSecuresystemslibKey the builder's key has a securesystemslib form ({@code
 *     builder-key.json}); false for ECDSA P-521 and without provenance
 */
public record SucceededArtifact(
        StoredArtifact artifact,
        boolean hasProvenance,
        boolean hasEnvelope,
        boolean hasSecuresystemslibKey) {}
