package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.service.ArtifactMetrics;
import dev.crateforge.artifact.service.ByteRange;
import dev.crateforge.artifact.service.Rejection;
import dev.crateforge.protocol.http.Problem;
import io.quarkus.logging.Log;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Answers a {@link Rejection} with problem+json, and counts it by reason. A 503 carries {@code
 * Retry-After}: the service cannot decide now and the same request may succeed later.
 */
@Provider
public class RejectionMapper implements ExceptionMapper<Rejection> {

    /** Seconds a client is asked to wait before repeating a request answered 503. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final ArtifactMetrics metrics;

    public RejectionMapper(ArtifactMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Response toResponse(Rejection r) {
        return answer(metrics, r);
    }

    /** The answer to a refusal, for the other mappers that refuse. */
    static Response answer(ArtifactMetrics metrics, Rejection r) {
        metrics.rejected(r.reason());
        // One line per refusal for the operator; the detail never holds a secret.
        Log.infof("Refused (%d %s): %s", r.status(), r.reason(), r.detail());
        Response.ResponseBuilder answer =
                Response.status(r.status())
                        .type(Problem.MEDIA_TYPE)
                        .entity(Problem.of(r.status(), r.reason(), r.title(), r.detail()));
        if (r.status() == 401) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        if (r.retryLater()) {
            answer.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        if (r instanceof ByteRange.RangeNotSatisfiable unsatisfiable) {
            answer.header("Content-Range", "bytes */" + unsatisfiable.size());
        }
        return answer.build();
    }
}
