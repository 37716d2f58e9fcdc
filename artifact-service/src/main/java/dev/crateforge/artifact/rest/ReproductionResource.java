package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.service.ReproductionComparisons;
import dev.crateforge.artifact.service.ReproductionComparisons.Answer;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.UUID;

/**
 * Reproductions for investigators: how the outputs of builds that should have agreed differ. Read
 * only; a comparison is made off the consumer's thread once the builds disagree, and until then a
 * request is answered {@code 202} with {@code status: pending}.
 */
@Path("/api/v1/reproductions/{group}")
@Blocking
public class ReproductionResource {

    /** How long a client should wait before asking again for a pending comparison, in seconds. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final ReproductionComparisons comparisons;

    public ReproductionResource(ReproductionComparisons comparisons) {
        this.comparisons = comparisons;
    }

    @GET
    @Path("/comparison")
    @Produces(MediaType.APPLICATION_JSON)
    public Response comparison(@PathParam("group") String group) {
        UUID id = PathParams.group(group);
        Answer answer = comparisons.answer(id);
        if (answer instanceof Answer.Computed computed) {
            return Response.ok(computed.json(), MediaType.APPLICATION_JSON)
                    .header("X-Content-Type-Options", "nosniff")
                    .build();
        }
        return Response.accepted(Map.of("group", id, "status", "pending"))
                .type(MediaType.APPLICATION_JSON)
                .header("Retry-After", RETRY_AFTER_SECONDS)
                .build();
    }
}
