package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.artifact.service.ArtifactMetrics;
import dev.crateforge.artifact.service.ByteRange;
import dev.crateforge.artifact.service.DownloadService;
import dev.crateforge.protocol.job.ArtifactKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Builds a download answer: headers that let a client check and resume what it gets, and a body
 * streamed from S3 through a small buffer.
 */
@ApplicationScoped
public class ArtifactResponses {

    static final String CHECKSUM_HEADER = "X-Checksum-Sha256";
    private static final int BUFFER = 64 * 1024;

    private final DownloadService downloads;
    private final ArtifactMetrics metrics;

    public ArtifactResponses(DownloadService downloads, ArtifactMetrics metrics) {
        this.downloads = downloads;
        this.metrics = metrics;
    }

    /**
     * The answer to a GET (or, with {@code head}, a HEAD) of an artifact.
     *
     * @param rangeHeader the request's {@code Range}, or null
     * @param ifNoneMatch the request's {@code If-None-Match}, or null
     */
    public Response send(
            StoredArtifact artifact, String rangeHeader, String ifNoneMatch, boolean head) {
        ArtifactKind kind = ArtifactKind.fromWireName(artifact.kind).orElseThrow();
        return send(artifact, fileName(artifact, kind), null, rangeHeader, ifNoneMatch, head);
    }

    /**
     * The same answer under another file name (the stable download layout's), and with a {@code
     * Cache-Control} header (also on a 304) unless {@code cacheControl} is null.
     */
    public Response send(
            StoredArtifact artifact,
            String fileName,
            String cacheControl,
            String rangeHeader,
            String ifNoneMatch,
            boolean head) {
        String etag = CacheableAnswers.etag(artifact.sha256);
        ArtifactKind kind = ArtifactKind.fromWireName(artifact.kind).orElseThrow();
        Response notModified = CacheableAnswers.notModified(ifNoneMatch, etag, cacheControl);
        if (notModified != null) {
            return notModified;
        }
        Optional<ByteRange> range = ByteRange.parse(rangeHeader, artifact.size);
        long length = range.map(ByteRange::length).orElse(artifact.size);
        Response.ResponseBuilder answer =
                CacheableAnswers.headers(
                                range.isPresent() ? 206 : 200,
                                kind.mediaType(),
                                length,
                                etag,
                                cacheControl)
                        .header(CHECKSUM_HEADER, artifact.sha256)
                        .header("Accept-Ranges", "bytes")
                        .header("Content-Disposition", CacheableAnswers.attachment(fileName));
        range.ifPresent(r -> answer.header("Content-Range", r.contentRange(artifact.size)));
        if (head) {
            return answer.build();
        }
        ResponseInputStream<GetObjectResponse> bytes = downloads.open(artifact, range);
        return answer.entity(stream(bytes)).build();
    }

    /**
     * {@code <crate>-<version>-<target>.<ext>}, or with {@code -<kind>} before a JSON extension.
     */
    static String fileName(StoredArtifact a, ArtifactKind kind) {
        String base = a.crate + '-' + a.version + '-' + a.target;
        return kind == ArtifactKind.BINARY
                ? base + '.' + kind.fileExtension()
                : base + '-' + kind.wireName() + '.' + kind.fileExtension();
    }

    private StreamingOutput stream(InputStream bytes) {
        return out -> {
            long sent = 0;
            try (bytes) {
                byte[] buffer = new byte[BUFFER];
                int n;
                while ((n = bytes.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    sent += n;
                }
            } finally {
                metrics.bytesOut(sent);
            }
        };
    }
}
