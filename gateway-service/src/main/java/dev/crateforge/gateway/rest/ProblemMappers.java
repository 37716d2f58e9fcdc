package dev.crateforge.gateway.rest;

import dev.crateforge.gateway.service.BuilderNotFoundException;
import dev.crateforge.gateway.service.DuplicateKeyException;
import dev.crateforge.gateway.service.InvalidBuilderException;
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
        return Problem.response(Response.Status.BAD_REQUEST, e.getMessage());
    }

    @ServerExceptionMapper
    public Response notFound(BuilderNotFoundException e) {
        return Problem.response(Response.Status.NOT_FOUND, e.getMessage());
    }

    @ServerExceptionMapper
    public Response duplicate(DuplicateKeyException e) {
        return Problem.response(Response.Status.CONFLICT, e.getMessage());
    }

    /** Two registrations of one key at the same moment: the unique constraint decides. */
    @ServerExceptionMapper
    public Response constraint(ConstraintViolationException e) {
        Log.infof("registry constraint violated: %s", e.getConstraintName());
        return Problem.response(
                Response.Status.CONFLICT,
                "a builder with this key fingerprint is already registered");
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return Problem.response(
                Response.Status.UNAUTHORIZED,
                "an operator bearer token with the role admin is required");
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return Problem.response(
                Response.Status.UNAUTHORIZED,
                "the bearer token was not accepted (signature, issuer or expiry)");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.response(
                Response.Status.FORBIDDEN, "the builder registry needs the role admin");
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
        return Problem.response(status, detail);
    }
}
