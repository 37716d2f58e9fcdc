package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.service.ArtifactMetrics;
import dev.crateforge.artifact.service.DatabaseFailures;
import dev.crateforge.artifact.service.Rejection;
import dev.crateforge.protocol.contract.UploadOutcome;
import dev.crateforge.protocol.http.Problem;
import io.quarkus.logging.Log;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A failure nobody turned into a {@link Rejection}. A database that is down or cannot answer now is
 * not this service's fault: it is answered 503 {@code unavailable} with {@code Retry-After}, like
 * any refusal, and the builder repeats the upload. Anything else is a fault of this service: logged
 * with its stack trace, answered 500 without internals.
 */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<RuntimeException> {

    private final ArtifactMetrics metrics;

    public UnexpectedErrorMapper(ArtifactMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Response toResponse(RuntimeException e) {
        if (DatabaseFailures.isUnavailable(e)) {
            // One line, no stack trace: during an outage every request would print one.
            Log.warnf("The database cannot answer now: %s", rootMessage(e));
            return RejectionMapper.answer(
                    metrics,
                    Rejection.of(
                            UploadOutcome.UNAVAILABLE,
                            "the artifact service's database is unavailable; nothing was kept,"
                                    + " retry later"));
        }
        Log.errorf(e, "Unexpected failure");
        return Response.status(500)
                .type(Problem.MEDIA_TYPE)
                .entity(
                        Problem.of(
                                500,
                                "internal",
                                "Internal Server Error",
                                "the artifact service failed; the operator has the details"))
                .build();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
