package dev.crateforge.artifact.service;

import dev.crateforge.artifact.repository.ArtifactRepository;
import dev.crateforge.artifact.repository.JobAttempt;
import dev.crateforge.artifact.repository.JobAttemptRepository;
import dev.crateforge.artifact.repository.ReproductionComparison;
import dev.crateforge.artifact.repository.ReproductionComparisonRepository;
import dev.crateforge.artifact.repository.StoredArtifact;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What the service knows about reproductions (builds of one job by several builders that must
 * agree): their builds with what each stored, and the kept comparisons of disagreeing ones. Short
 * transactions only, so that reading artifacts back from S3 never holds a database connection.
 */
@ApplicationScoped
@Transactional
public class Reproductions {

    private final JobAttemptRepository jobs;
    private final ArtifactRepository artifacts;
    private final ReproductionComparisonRepository comparisons;

    public Reproductions(
            JobAttemptRepository jobs,
            ArtifactRepository artifacts,
            ReproductionComparisonRepository comparisons) {
        this.jobs = jobs;
        this.artifacts = artifacts;
        this.comparisons = comparisons;
    }

    /** The known builds of each of these reproductions, by job id; two queries. */
    public Map<UUID, List<ReproductionMember>> members(Collection<UUID> groups) {
        Map<UUID, List<StoredArtifact>> stored = new LinkedHashMap<>();
        for (StoredArtifact a : artifacts.listOfReproductions(groups)) {
            stored.computeIfAbsent(a.jobId, j -> new ArrayList<>()).add(a);
        }
        Map<UUID, List<ReproductionMember>> members = new LinkedHashMap<>();
        for (JobAttempt job : jobs.findMembers(groups)) {
            members.computeIfAbsent(job.reproductionGroup, g -> new ArrayList<>())
                    .add(new ReproductionMember(job, stored.getOrDefault(job.jobId, List.of())));
        }
        return members;
    }

    /** The known builds of one reproduction; empty if none is known. */
    public List<ReproductionMember> members(UUID group) {
        return members(List.of(group)).getOrDefault(group, List.of());
    }

    public Optional<ReproductionComparison> comparison(UUID group) {
        return comparisons.findByIdOptional(group);
    }

    /**
     * Keeps a comparison unless one of the same inputs is kept (another instance, or a request
     * queued twice, made it first).
     *
     * @return true if this call kept it
     */
    public boolean keep(UUID group, String inputs, String comparison) {
        return comparisons.upsert(group, inputs, comparison, Instant.now());
    }

    /** Reproductions that disagreed and have no comparison kept. */
    public List<UUID> disagreedWithoutComparison() {
        return jobs.findDisagreedWithoutComparison();
    }
}
