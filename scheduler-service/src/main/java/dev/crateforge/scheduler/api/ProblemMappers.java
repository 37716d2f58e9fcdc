package dev.crateforge.scheduler.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.crateforge.protocol.http.Problem;
import dev.crateforge.scheduler.intake.RegistryNotFoundException;
import dev.crateforge.scheduler.job.JobConflictException;
import dev.crateforge.scheduler.job.JobNotFoundException;
import dev.crateforge.scheduler.limits.CrateLimitsNotFoundException;
import dev.crateforge.scheduler.limits.InvalidCrateLimitsException;
import dev.crateforge.scheduler.submission.InvalidSubmissionException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure of the API into problem+json with a precise message. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response invalid(InvalidSubmissionException e) {
        Log.debugf("Rejected a submission: %s", e.getMessage());
        return response(422, "invalid-job", "Invalid job", e.getMessage(), e.field());
    }

    @ServerExceptionMapper
    public Response badParameter(BadParameterException e) {
        return response(400, "bad-parameter", "Bad parameter", e.getMessage(), e.parameter());
    }

    @ServerExceptionMapper
    public Response invalidLimits(InvalidCrateLimitsException e) {
        return response(
                422, "invalid-crate-limits", "Invalid crate limits", e.getMessage(), e.field());
    }

    @ServerExceptionMapper
    public Response limitsNotFound(CrateLimitsNotFoundException e) {
        return response(404, "crate-limits-not-found", "Crate limits not found", e.getMessage());
    }

    @ServerExceptionMapper
    public Response notFound(JobNotFoundException e) {
        return response(404, "job-not-found", "Job not found", e.getMessage());
    }

    @ServerExceptionMapper
    public Response registryNotFound(RegistryNotFoundException e) {
        return response(404, "registry-not-found", "Registry not found", e.getMessage());
    }

    @ServerExceptionMapper
    public Response conflict(JobConflictException e) {
        return response(409, "job-state-conflict", "Job state conflict", e.getMessage());
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        String field =
                e.getPath().stream()
                        .map(
                                r ->
                                        r.getFieldName() != null
                                                ? r.getFieldName()
                                                : "[" + r.getIndex() + "]")
                        .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b)
                        .orElse(null);
        return response(
                400,
                "malformed-body",
                "Malformed request body",
                field == null
                        ? "request body has the wrong JSON shape"
                        : "field '" + field + "' has the wrong JSON type",
                field);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return response(
                400,
                "malformed-body",
                "Malformed request body",
                "request body is not valid JSON: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return response(
                401, "unauthorized", "Unauthorized", "a valid operator bearer token is required");
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return response(401, "unauthorized", "Unauthorized", "the bearer token was not accepted");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return response(
                403, "forbidden", "Forbidden", "this operation needs the role submitter or admin");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        // The JSON reader wraps parse errors; answer them as precisely as unwrapped ones.
        if (e.getCause() instanceof MismatchedInputException mismatched) {
            return mismatched(mismatched);
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        int status = e.getResponse().getStatus();
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        return response(
                status, "http-" + status, title, e.getMessage() == null ? title : e.getMessage());
    }

    private static Response response(int status, String reason, String title, String detail) {
        return response(status, reason, title, detail, null);
    }

    private static Response response(
            int status, String reason, String title, String detail, String field) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, reason, title, detail).about(field))
                .build();
    }
}
