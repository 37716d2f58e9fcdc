package dev.crateforge.artifact.repository;

import dev.crateforge.protocol.kafka.Reproduction;

/**
 * An artifact stored by the attempt that made its job succeed, with which of that build's
 * provenance files the service holds.
 *
 * @param hasProvenance the SSHSIG statement, its signature and the builder's key
 * @param hasEnvelope the SLSA provenance, a DSSE envelope (only with {@code hasProvenance})
 * @param hasSecuresystemslibKey the builder's key has a securesystemslib form ({@code
 *     builder-key.json}); false for ECDSA P-521 and without provenance
 * @param reproduction the build's part in a reproduction; null for a build made once
 */
public record SucceededArtifact(
        StoredArtifact artifact,
        boolean hasProvenance,
        boolean hasEnvelope,
        boolean hasSecuresystemslibKey,
        Reproduction reproduction) {}
