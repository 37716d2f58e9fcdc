package dev.crateforge.artifact.rest;

import dev.crateforge.protocol.http.Problem;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Gives the framework's own errors (unknown path, wrong method, unsupported media type) the same
 * problem+json shape as the service's rejections.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original.getStatus();
        String title =
                Response.Status.fromStatusCode(status) == null
                        ? "Error"
                        : Response.Status.fromStatusCode(status).getReasonPhrase();
        String detail =
                status == 404
                        ? "no such resource"
                        : e.getMessage() == null ? title : e.getMessage();
        if (status >= 500) {
            Log.errorf(e, "Request failed");
        }
        Response.ResponseBuilder answer =
                Response.fromResponse(original)
                        .type(Problem.MEDIA_TYPE)
                        .entity(Problem.of(status, "http-" + status, title, detail));
        return answer.build();
    }
}
