package dev.crateforge.scheduler.reproduction;

import static dev.crateforge.scheduler.api.Parameters.uuid;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Builders' records in reproductions; an operator clears a quarantine here. */
@Path("/api/v1/reputation")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "reproductions")
public class ReputationResource {

    /** The most records one listing shows. */
    private static final int LIST_LIMIT = 500;

    /** The most unconfirmed jobs one answer lists. */
    private static final int UNCONFIRMED_LIMIT = 100;

    /**
     * A builder's record and, while it is quarantined, its succeeded jobs that no other build
     * confirmed (flagged: built once, or in a reproduction that did not agree), newest first.
     */
    public record ReputationView(BuilderReputation reputation, List<UUID> flaggedJobs) {}

    private final ReputationRepository reputations;
    private final ReproductionService reproductions;
    private final SecurityIdentity identity;

    public ReputationResource(
            ReputationRepository reputations,
            ReproductionService reproductions,
            SecurityIdentity identity) {
        this.reputations = reputations;
        this.reproductions = reproductions;
        this.identity = identity;
    }

    @GET
    @PermitAll
    @Transactional
    @Operation(summary = "Builders' records in reproductions, quarantined builders first")
    public List<BuilderReputation> all() {
        return reputations.all(LIST_LIMIT);
    }

    @GET
    @Path("{id}")
    @PermitAll
    @Transactional
    @Operation(summary = "One builder's record, with its flagged jobs while it is quarantined")
    public ReputationView one(@PathParam("id") String id) {
        UUID builder = uuid("id", id);
        BuilderReputation reputation =
                reputations.find(builder).orElseThrow(() -> unknown(builder));
        return new ReputationView(
                reputation,
                reputation.quarantined()
                        ? reputations.unconfirmedJobs(builder, UNCONFIRMED_LIMIT)
                        : List.of());
    }

    @POST
    @Path("{id}/clear")
    @RolesAllowed("admin")
    @Operation(summary = "End a builder's quarantine; its disagreements count from zero again")
    public BuilderReputation clear(@PathParam("id") String id) {
        UUID builder = uuid("id", id);
        String by = identity.getPrincipal().getName();
        return reproductions.clearQuarantine(builder, by).orElseThrow(() -> unknown(builder));
    }

    private static NotFoundException unknown(UUID builder) {
        return new NotFoundException("builder " + builder + " has no record in reproductions");
    }
}
