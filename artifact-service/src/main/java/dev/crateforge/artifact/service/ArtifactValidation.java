package dev.crateforge.artifact.service;

import dev.crateforge.artifact.config.ArtifactConfig;
import dev.crateforge.artifact.service.validation.BinaryArchiveValidator;
import dev.crateforge.artifact.service.validation.InvalidArtifact;
import dev.crateforge.artifact.service.validation.MetadataValidator;
import dev.crateforge.protocol.contract.UploadOutcome;
import dev.crateforge.protocol.job.ArtifactKind;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Checks that an uploaded object is an artifact of its kind before it is recorded: the {@code
 * metadata} of the job's crate and version ({@link MetadataValidator}), a {@code binary} archive of
 * the builder's layout ({@link BinaryArchiveValidator}).
 *
 * <p>A large artifact is checked on the stored object, read back as a stream, after its SHA-256
 * checked out and before the row that makes it visible is written; so the check never holds a large
 * artifact in memory, and an upload it refuses leaves nothing behind once the caller deletes the
 * object. A small one (see {@code UploadService}) is checked in memory before it is stored.
 */
@ApplicationScoped
public class ArtifactValidation {

    private static final int BUFFER = 64 * 1024;

    private final S3Client s3;
    private final ArtifactConfig config;
    private final MetadataValidator metadata = new MetadataValidator();
    private final BinaryArchiveValidator binary;

    public ArtifactValidation(S3Client s3, ArtifactConfig config) {
        this.s3 = s3;
        this.config = config;
        this.binary =
                new BinaryArchiveValidator(
                        config.limits().binaryMaxEntries(),
                        config.limits().binaryMaxUnpackedBytes());
    }

    /**
     * Checks the object under {@code key}.
     *
     * @throws Rejection {@code invalid_artifact} when it is not an artifact of {@code kind} for
     *     this crate and version; {@code storage_failed} when it cannot be read back
     */
    public void check(ArtifactKind kind, String key, String crate, String version) {
        try (ResponseInputStream<GetObjectResponse> object =
                s3.getObject(get -> get.bucket(config.s3().bucket()).key(key))) {
            try {
                InputStream stored = new StoreStream(object);
                switch (kind) {
                    case METADATA -> metadata.check(stored, crate, version);
                    case BINARY -> binary.check(stored);
                }
            } finally {
                // A refusal may come early in a large object: drop the connection rather than
                // drain the rest of it on close.
                object.abort();
            }
        } catch (InvalidArtifact e) {
            throw Rejection.of(UploadOutcome.INVALID_ARTIFACT, e.getMessage());
        } catch (SdkException | UncheckedIOException | IOException e) {
            Log.errorf("Reading back %s object %s failed: %s", kind, key, e.getMessage());
            throw Rejection.of(
                    UploadOutcome.STORAGE_FAILED,
                    "the artifact store failed while the artifact was checked; retry");
        }
    }

    /**
     * Checks an artifact small enough to be held in memory, before it is stored: no read-back
     * request to the store, which cost a whole S3 GET (signing, connection, response) per small
     * upload.
     *
     * @throws Rejection {@code invalid_artifact} when it is not an artifact of {@code kind} for
     *     this crate and version
     */
    public void check(ArtifactKind kind, byte[] artifact, String crate, String version) {
        InputStream bytes = new ByteArrayInputStream(artifact);
        try {
            switch (kind) {
                case METADATA -> metadata.check(bytes, crate, version);
                case BINARY -> binary.check(bytes);
            }
        } catch (InvalidArtifact e) {
            throw Rejection.of(UploadOutcome.INVALID_ARTIFACT, e.getMessage());
        }
    }

    /**
     * The stored object's bytes, buffered; a read failure of the store surfaces unchecked, so that
     * the validators, whose formats report malformed input as IOExceptions, cannot take it for an
     * invalid artifact.
     */
    private static final class StoreStream extends FilterInputStream {

        StoreStream(InputStream in) {
            super(new java.io.BufferedInputStream(in, BUFFER));
        }

        @Override
        public int read() {
            try {
                return super.read();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public long skip(long n) {
            try {
                return super.skip(n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
