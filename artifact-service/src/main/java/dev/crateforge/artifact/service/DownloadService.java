package dev.crateforge.artifact.service;

import dev.crateforge.artifact.config.ArtifactConfig;
import dev.crateforge.artifact.repository.StoredArtifact;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Opens a stored artifact's bytes in S3, whole or one range, for streaming to a client. Range
 * requests go to S3 as ranges, so a resumed download of a large binary reads only what is missing.
 */
@ApplicationScoped
public class DownloadService {

    private final S3Client s3;
    private final ArtifactConfig config;

    public DownloadService(S3Client s3, ArtifactConfig config) {
        this.s3 = s3;
        this.config = config;
    }

    /** The object's bytes; the caller must close the stream. */
    public ResponseInputStream<GetObjectResponse> open(
            StoredArtifact artifact, Optional<ByteRange> range) {
        try {
            return s3.getObject(
                    get -> {
                        get.bucket(config.s3().bucket()).key(artifact.s3Key);
                        range.ifPresent(r -> get.range(r.header()));
                    });
        } catch (NoSuchKeyException e) {
            // A row without its object means the bucket was tampered with: say so, loudly.
            io.quarkus.logging.Log.errorf(
                    "Artifact %s of job %s is recorded but its object %s is missing",
                    artifact.kind, artifact.jobId, artifact.s3Key);
            throw Rejection.notFound("the artifact's bytes are missing from the store");
        }
    }
}
