package dev.crateforge.protocol.provenance;

import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.message.JobAssignment;
import java.util.List;
import java.util.UUID;

/**
 * What a provenance statement must say about one job attempt: the job as submitted and the
 * artifacts it produced. The builder makes its statement from these; the scheduler checks a
 * statement against its own copy.
 */
public record BuildFacts(
        UUID jobId,
        int attempt,
        String crate,
        String version,
        String target,
        ArtifactKind kind,
        String sourceUrl,
        String sourceSha256,
        List<ArtifactDigest> artifacts) {

    public BuildFacts {
        artifacts = List.copyOf(artifacts);
    }

    /** The facts of {@code job} as the builder was given it, with what it uploaded. */
    public static BuildFacts of(JobAssignment job, List<ArtifactDigest> artifacts) {
        return new BuildFacts(
                job.jobId(),
                job.attempt(),
                job.crate(),
                job.version(),
                job.target(),
                job.kind(),
                job.sourceUrl(),
                job.sourceSha256(),
                artifacts);
    }

    /** The statement's {@code invocationId}: {@code <jobId>/<attempt>}. */
    public String invocationId() {
        return jobId + "/" + attempt;
    }

    /**
     * The name of an artifact in the statement's {@code subject}: the file name a user downloads
     * ({@code <crate>-<version>-<target>.tgz} for binaries, {@code
     * <crate>-<version>-<target>.metadata.json} for metadata).
     */
    public String subjectName(ArtifactKind artifactKind) {
        String base = crate + "-" + version + "-" + target;
        return switch (artifactKind) {
            case BINARY -> base + ".tgz";
            case METADATA -> base + ".metadata.json";
        };
    }
}
