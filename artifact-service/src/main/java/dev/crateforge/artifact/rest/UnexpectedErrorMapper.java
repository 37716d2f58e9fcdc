package dev.crateforge.artifact.rest;

import dev.crateforge.protocol.http.Problem;
import io.quarkus.logging.Log;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A fault of this service: logged with its stack trace, answered without internals. */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<RuntimeException> {

    @Override
    public Response toResponse(RuntimeException e) {
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
}
