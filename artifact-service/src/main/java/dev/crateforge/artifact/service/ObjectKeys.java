package dev.crateforge.artifact.service;

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
            String prefix,
            String crate,
            String version,
            String target,
            UUID jobId,
            int attempt,
            ArtifactKind kind,
            UUID uploadId) {
        return prefix
                + crate
                + '/'
                + version
                + '/'
                + target
                + '/'
                + kind.wireName()
                + '/'
                + jobId
                + '-'
                + attempt
                + '-'
                + uploadId
                + '.'
                + kind.fileExtension();
    }
}
