package dev.crateforge.artifact.service;

import dev.crateforge.artifact.repository.JobAttempt;
import dev.crateforge.protocol.job.ArtifactKind;
import java.util.UUID;

/**
 * Makes the S3 key of an upload. Keys come only from validated names held by the service (never
 * from a client-supplied path) and carry a fresh upload id, so two uploads never write the same
 * object and an upload that loses a race can delete its own object without touching the winner's.
 */
public final class ObjectKeys {

    private ObjectKeys() {}

    /** {@code <prefix><crate>/<version>/<target>/<kind>/<job>-<attempt>-<upload>.<ext>} */
    public static String forUpload(
            String prefix, JobAttempt job, ArtifactKind kind, UUID uploadId) {
        return prefix
                + job.crate
                + '/'
                + job.version
                + '/'
                + job.target
                + '/'
                + kind.wireName()
                + '/'
                + job.jobId
                + '-'
                + job.attempt
                + '-'
                + uploadId
                + '.'
                + kind.fileExtension();
    }
}
