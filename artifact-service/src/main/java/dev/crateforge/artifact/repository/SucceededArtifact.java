package dev.crateforge.artifact.repository;

/**
 * An artifact stored by the attempt that made its job succeed, with whether the service holds that
 * build's signed provenance.
 */
public record SucceededArtifact(StoredArtifact artifact, boolean hasProvenance) {}
