package dev.crateforge.artifact.service;

import dev.crateforge.artifact.messaging.ArtifactEvents;
import dev.crateforge.artifact.repository.ArtifactRepository;
import dev.crateforge.artifact.repository.JobAttempt;
import dev.crateforge.artifact.repository.JobAttemptRepository;
import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.artifact.repository.SucceededArtifact;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.kafka.Reproduction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What the service knows about stored artifacts: short transactions only, so that a long upload or
 * download never holds a database connection.
 */
@ApplicationScoped
@Transactional
public class ArtifactCatalog {

    private final ArtifactRepository artifacts;
    private final JobAttemptRepository jobs;
    private final ArtifactEvents events;
    private final YankService yanks;

    public ArtifactCatalog(
            ArtifactRepository artifacts,
            JobAttemptRepository jobs,
            ArtifactEvents events,
            YankService yanks) {
        this.artifacts = artifacts;
        this.jobs = jobs;
        this.events = events;
        this.yanks = yanks;
    }

    /**
     * Records an artifact and, in the same transaction, its {@code ArtifactStored} record in the
     * outbox; or returns the one its job attempt already stored for that kind. Once this returns,
     * the scheduler is sure to hear of the artifact, whether the broker is up or not.
     *
     * <p>A version the registry already yanked (the yank may arrive before the build ends) is
     * stored marked yanked.
     *
     * @return empty if {@code artifact} was recorded
     */
    public Optional<StoredArtifact> recordOrFindExisting(StoredArtifact artifact) {
        artifact.yanked = yanks.yankedForNewArtifact(artifact.crate, artifact.version);
        if (artifacts.insertIfAbsent(artifact)) {
            events.stored(artifact);
            return Optional.empty();
        }
        return Optional.of(
                artifacts
                        .findOfAttempt(artifact.jobId, artifact.attempt, artifact.kind)
                        .orElseThrow(
                                () -> new IllegalStateException("conflicting row disappeared")));
    }

    /**
     * Writes the artifact's {@code ArtifactStored} to the outbox again (a repeated upload of the
     * same bytes); the scheduler's consumer records an artifact idempotently.
     */
    public void announceAgain(StoredArtifact artifact) {
        events.stored(artifact);
    }

    public Optional<JobAttempt> job(UUID jobId) {
        return jobs.findJob(jobId);
    }

    /** The reproductions the builds of these artifacts are part of, by job id; one query. */
    public Map<UUID, Reproduction> reproductionsOf(List<StoredArtifact> stored) {
        if (stored.isEmpty()) {
            return Map.of();
        }
        Map<UUID, Reproduction> of = new HashMap<>();
        jobs.list("jobId in ?1", stored.stream().map(a -> a.jobId).distinct().toList())
                .forEach(j -> j.reproduction().ifPresent(r -> of.put(j.jobId, r)));
        return of;
    }

    public Optional<StoredArtifact> ofAttempt(UUID jobId, int attempt, ArtifactKind kind) {
        return artifacts.findOfAttempt(jobId, attempt, kind.wireName());
    }

    public Optional<StoredArtifact> ofJob(UUID jobId, ArtifactKind kind) {
        return artifacts.findOfJob(jobId, kind.wireName());
    }

    public Optional<StoredArtifact> latestSucceeded(
            String crate, String version, String target, ArtifactKind kind) {
        return artifacts.findLatestSucceeded(crate, version, target, kind.wireName());
    }

    /** The newest successful artifact per target and kind of a crate version. */
    public List<StoredArtifact> latestSucceeded(String crate, String version) {
        Map<String, StoredArtifact> latest = new LinkedHashMap<>();
        for (StoredArtifact a : artifacts.listSucceeded(crate, version)) {
            latest.putIfAbsent(a.target + '/' + a.kind, a);
        }
        return new ArrayList<>(latest.values());
    }

    /**
     * The newest successful artifact per version, target and kind of a crate, with whether its
     * build's provenance is held: what a download of each would get. One query.
     */
    public List<SucceededArtifact> latestSucceededOfCrate(String crate) {
        Map<String, SucceededArtifact> latest = new LinkedHashMap<>();
        for (SucceededArtifact s : artifacts.listSucceededOfCrate(crate)) {
            StoredArtifact a = s.artifact();
            latest.putIfAbsent(a.version + '/' + a.target + '/' + a.kind, s);
        }
        return new ArrayList<>(latest.values());
    }
}
