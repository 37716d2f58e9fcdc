package dev.crateforge.artifact.service;

import dev.crateforge.artifact.repository.JobAttempt;
import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPublicKey;
import java.util.List;
import java.util.Optional;

/**
 * One build of a reproduction as this service knows it: the job's latest state and the artifacts
 * its current attempt stored.
 */
public record ReproductionMember(JobAttempt job, List<StoredArtifact> artifacts) {

    /** The artifact of a kind this build stored, if any. */
    public Optional<StoredArtifact> artifact(ArtifactKind kind) {
        return artifacts.stream().filter(a -> a.kind.equals(kind.wireName())).findFirst();
    }

    /**
     * The fingerprint ({@code SHA256:…}) of the key that signed the build's statement; null while
     * the service holds no provenance of it.
     */
    public String builderKeyFingerprint() {
        if (!job.hasProvenance()) {
            return null;
        }
        try {
            return SshPublicKey.parse(job.builderPublicKey).fingerprint();
        } catch (SshFormatException e) {
            // Checked when the record arrived; a bad key here means the table was edited by hand.
            throw new IllegalStateException(
                    "stored builder key of job " + job.jobId + " is unreadable", e);
        }
    }
}
