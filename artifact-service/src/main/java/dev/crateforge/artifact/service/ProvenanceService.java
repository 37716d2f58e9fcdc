package dev.crateforge.artifact.service;

import dev.crateforge.artifact.repository.JobAttempt;
import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPublicKey;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * The provenance of a build in the three files {@code ssh-keygen -Y verify} reads: the statement
 * (the message), the armored signature, and an {@code allowed_signers} line binding the builder's
 * key to the principal {@value #PRINCIPAL} and the build namespace.
 */
@ApplicationScoped
public class ProvenanceService {

    /** The principal name the allowed_signers file gives the builder's key. */
    public static final String PRINCIPAL = "builder";

    /** The command a user runs, with the three files saved under these names. */
    public static final String VERIFY_COMMAND =
            "ssh-keygen -Y verify -f allowed_signers -I "
                    + PRINCIPAL
                    + " -n "
                    + BuilderProtocol.BUILD_NAMESPACE
                    + " -s build.sig < statement";

    private final ArtifactCatalog catalog;

    public ProvenanceService(ArtifactCatalog catalog) {
        this.catalog = catalog;
    }

    /** What anyone needs to check a build. */
    public record BuildProvenance(
            UUID jobId,
            int attempt,
            String statement,
            String signature,
            String builderPublicKey,
            String allowedSigners) {}

    /** The provenance of the build that produced {@code artifact}. */
    public BuildProvenance of(StoredArtifact artifact) {
        JobAttempt job =
                catalog.job(artifact.jobId)
                        .filter(j -> j.attempt == artifact.attempt && j.hasProvenance())
                        .orElseThrow(
                                () ->
                                        Rejection.notFound(
                                                "the build of this artifact has no signed provenance"));
        return of(job);
    }

    /** The provenance of a job that succeeded. */
    public BuildProvenance ofJob(UUID jobId) {
        JobAttempt job =
                catalog.job(jobId)
                        .filter(JobAttempt::hasProvenance)
                        .orElseThrow(
                                () ->
                                        Rejection.notFound(
                                                "job " + jobId + " has no signed provenance"));
        return of(job);
    }

    private static BuildProvenance of(JobAttempt job) {
        String keyLine;
        try {
            keyLine = SshPublicKey.parse(job.builderPublicKey).openSshLine();
        } catch (SshFormatException e) {
            // Checked when the record arrived; a bad key here means the table was edited by hand.
            throw new IllegalStateException(
                    "stored builder key of job " + job.jobId + " is unreadable", e);
        }
        String signature = job.signature.endsWith("\n") ? job.signature : job.signature + "\n";
        String allowedSigners =
                PRINCIPAL
                        + " namespaces=\""
                        + BuilderProtocol.BUILD_NAMESPACE
                        + "\" "
                        + keyLine
                        + "\n";
        return new BuildProvenance(
                job.jobId, job.attempt, job.statement, signature, keyLine, allowedSigners);
    }
}
