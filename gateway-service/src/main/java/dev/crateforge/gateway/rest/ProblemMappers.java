package dev.crateforge.gateway.rest;

import dev.crateforge.gateway.service.BuilderNotFoundException;
import dev.crateforge.gateway.service.DuplicateKeyException;
import dev.crateforge.gateway.service.InvalidBuilderException;
import dev.crateforge.protocol.http.Problem;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps every failure of the admin API to problem+json with a precise detail. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response invalid(InvalidBuilderException e) {
        return response(Response.Status.BAD_REQUEST, "invalid-builder", e.getMessage());
    }

    @ServerExceptionMapper
    public Response notFound(BuilderNotFoundException e) {
        return response(Response.Status.NOT_FOUND, "builder-not-found", e.getMessage());
    }

    @ServerExceptionMapper
    public Response duplicate(DuplicateKeyException e) {
        return response(Response.Status.CONFLICT, "duplicate-key", e.getMessage());
    }

    /** Two registrations of one key at the same moment: the unique constraint decides. */
    @ServerExceptionMapper
    public Response constraint(ConstraintViolationException e) {
        Log.infof("registry constraint violated: %s", e.getConstraintName());
        return response(
                Response.Status.CONFLICT,
                "duplicate-key",
                "a builder with this key fingerprint is already registered");
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return response(
                Response.Status.UNAUTHORIZED,
                "unauthorized",
                "an operator bearer token with the role admin is required");
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return response(
                Response.Status.UNAUTHORIZED,
                "unauthorized",
                "the bearer token was not accepted (signature, issuer or expiry)");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return response(
                Response.Status.FORBIDDEN,
                "forbidden",
                "the builder registry needs the role admin");
    }

    /** Unreadable JSON, a path id that is not a UUID, and other framework refusals. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response.Status status = Response.Status.fromStatusCode(e.getResponse().getStatus());
        if (status == null) {
            return e.getResponse();
        }
        String detail =
                status == Response.Status.BAD_REQUEST
                        ? "request body is not valid JSON of the expected shape"
                        : e.getMessage();
        return response(status, "http-" + status.getStatusCode(), detail);
    }

    private static Response response(Response.Status status, String reason, String detail) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(
                        Problem.of(
                                status.getStatusCode(), reason, status.getReasonPhrase(), detail))
                .build();
    }
}
