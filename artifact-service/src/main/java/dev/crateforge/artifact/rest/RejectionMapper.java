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

/** Answers a {@link Rejection} with problem+json, and counts it by reason. */
@Provider
public class RejectionMapper implements ExceptionMapper<Rejection> {

    private final ArtifactMetrics metrics;

    public RejectionMapper(ArtifactMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Response toResponse(Rejection r) {
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
        if (r instanceof ByteRange.RangeNotSatisfiable unsatisfiable) {
            answer.header("Content-Range", "bytes */" + unsatisfiable.size());
        }
        return answer.build();
    }
}
