package dev.crateforge.artifact.service;

import dev.crateforge.artifact.repository.JobAttempt;
import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.ssh.RawSignatures;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPublicKey;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
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

    /**
     * What anyone needs to check a build.
     *
     * @param envelope the SLSA provenance as a DSSE envelope in compact JSON, or null when the
     *     builder sent none
     * @param builderKey the builder's key as securesystemslib reads it (with the {@code keyid} of
     *     its signatures), or null for a key type securesystemslib does not know
     * @param builderPem the builder's key as a PEM {@code PUBLIC KEY}
     * @param requested what was asked for, as a 404 detail names it: {@code job <id>}, or the
     *     crate, version and target with the job
     */
    public record BuildProvenance(
            String requested,
            UUID jobId,
            int attempt,
            String statement,
            String signature,
            String builderPublicKey,
            String allowedSigners,
            String envelope,
            Map<String, Object> builderKey,
            String builderPem) {

        /** The envelope, or a 404 saying the builder sent none. */
        public String requireEnvelope() {
            if (envelope == null) {
                throw Rejection.notFound(
                        requested + " has no SLSA provenance: its builder sent no DSSE envelope");
            }
            return envelope;
        }
    }

    /** The provenance of the build that produced {@code artifact}. */
    public BuildProvenance of(StoredArtifact artifact) {
        String requested =
                artifact.crate
                        + " "
                        + artifact.version
                        + " for "
                        + artifact.target
                        + " (job "
                        + artifact.jobId
                        + ")";
        JobAttempt job =
                catalog.job(artifact.jobId)
                        .filter(j -> j.attempt == artifact.attempt && j.hasProvenance())
                        .orElseThrow(
                                () -> Rejection.notFound(requested + " has no signed provenance"));
        return of(requested, job);
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
        return of("job " + jobId, job);
    }

    private static BuildProvenance of(String requested, JobAttempt job) {
        String keyLine;
        SshPublicKey key;
        try {
            key = SshPublicKey.parse(job.builderPublicKey);
            keyLine = key.openSshLine();
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
        Map<String, Object> sslibKey = RawSignatures.securesystemslibKey(key);
        Map<String, Object> builderKey = null;
        if (sslibKey != null) {
            builderKey = new LinkedHashMap<>();
            builderKey.put("keyid", RawSignatures.keyId(key));
            builderKey.putAll(sslibKey);
        }
        return new BuildProvenance(
                requested,
                job.jobId,
                job.attempt,
                job.statement,
                signature,
                keyLine,
                allowedSigners,
                job.provenanceEnvelope,
                builderKey,
                RawSignatures.pem(key));
    }
}
