package dev.crateforge.artifact.rest;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The shape every read answer of this service shares, whatever its body: a strong {@code ETag}
 * derived from the content, {@code If-None-Match} answered with {@code 304} (carrying the same
 * {@code ETag} and {@code Cache-Control}), {@code Content-Length}, {@code nosniff}, and a {@code
 * Cache-Control} where the URL may serve other content later. Artifact downloads (streamed from S3)
 * and the small files built in memory ({@code .sha256}, the index, provenance files) both answer
 * through it, so their headers cannot drift apart.
 */
final class CacheableAnswers {

    private CacheableAnswers() {}

    /** {@code "<hex>"}: the strong entity tag of content whose SHA-256 is {@code hex}. */
    static String etag(String hex) {
        return '"' + hex + '"';
    }

    /** The strong entity tag of exactly these bytes. */
    static String etagOf(byte[] body) {
        return etag(sha256(body));
    }

    /**
     * {@code 304} with the entity tag and, unless null, {@code cacheControl}; or null when {@code
     * ifNoneMatch} (the header, or null) does not name {@code etag}.
     */
    static Response notModified(String ifNoneMatch, String etag, String cacheControl) {
        if (!EntityTags.matches(ifNoneMatch, etag)) {
            return null;
        }
        Response.ResponseBuilder answer = Response.notModified().header(HttpHeaders.ETAG, etag);
        if (cacheControl != null) {
            answer.header(HttpHeaders.CACHE_CONTROL, cacheControl);
        }
        return answer.build();
    }

    /**
     * The headers of a {@code 200} or {@code 206} without its body.
     *
     * @param length the number of body bytes this answer sends
     * @param cacheControl the {@code Cache-Control} value, or null for none
     */
    static Response.ResponseBuilder headers(
            int status, String mediaType, long length, String etag, String cacheControl) {
        Response.ResponseBuilder answer =
                Response.status(status)
                        .type(mediaType)
                        .header(HttpHeaders.CONTENT_LENGTH, length)
                        .header(HttpHeaders.ETAG, etag)
                        .header("X-Content-Type-Options", "nosniff");
        if (cacheControl != null) {
            answer.header(HttpHeaders.CACHE_CONTROL, cacheControl);
        }
        return answer;
    }

    /**
     * The answer to a GET (or, with {@code head}, a HEAD) of a small body built in memory, whose
     * entity tag is the SHA-256 of its bytes unless {@code etag} is given. A {@code Range} is
     * ignored (the whole body, as RFC 9110 allows).
     *
     * @param etag the entity tag, or null for the SHA-256 of {@code body}
     * @param fileName the {@code Content-Disposition} attachment name, or null for none
     */
    static Response small(
            byte[] body,
            String mediaType,
            String etag,
            String cacheControl,
            String fileName,
            String ifNoneMatch,
            boolean head) {
        String tag = etag != null ? etag : etagOf(body);
        Response notModified = notModified(ifNoneMatch, tag, cacheControl);
        if (notModified != null) {
            return notModified;
        }
        Response.ResponseBuilder answer = headers(200, mediaType, body.length, tag, cacheControl);
        if (fileName != null) {
            answer.header("Content-Disposition", attachment(fileName));
        }
        return head ? answer.build() : answer.entity(body).build();
    }

    /** {@code attachment; filename="<name>"}; names are made by the service, never quoted input. */
    static String attachment(String fileName) {
        return "attachment; filename=\"" + fileName + "\"";
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
