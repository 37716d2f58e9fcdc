package dev.crateforge.scheduler.reproduction;

import static dev.crateforge.scheduler.api.Parameters.crateName;

import dev.crateforge.protocol.kafka.Reproduction;
import dev.crateforge.scheduler.api.BadParameterException;
import dev.crateforge.scheduler.audit.OperatorAudit;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * An operator's reproduction policy per crate: how many builds its new jobs get unless a submission
 * says. It wins over the registry's {@code reproduce} and the deployment's default; jobs queued
 * before keep theirs.
 */
@Path("/api/v1/crate-reproduction/{crate}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "reproductions")
@Transactional
public class CrateReproductionResource {

    /** The crate's setting. */
    public record CrateBuilds(String crate, Integer builds) {}

    private final ReproductionRepository reproductions;
    private final OperatorAudit audit;
    private final SecurityIdentity identity;

    public CrateReproductionResource(
            ReproductionRepository reproductions, OperatorAudit audit, SecurityIdentity identity) {
        this.reproductions = reproductions;
        this.audit = audit;
        this.identity = identity;
    }

    @GET
    @PermitAll
    @Operation(summary = "How many builds the crate's new jobs get, when an operator set it")
    public CrateBuilds get(@PathParam("crate") String crate) {
        String name = crateName("crate", crate);
        Integer builds = reproductions.crateBuilds(List.of(name)).get(name);
        if (builds == null) {
            throw new NotFoundException("crate " + name + " has no reproduction setting");
        }
        return new CrateBuilds(name, builds);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("admin")
    @Operation(summary = "Set how many builds on different builders must agree for the crate")
    public CrateBuilds set(@PathParam("crate") String crate, CrateBuilds body) {
        String name = crateName("crate", crate);
        if (body == null
                || body.builds() == null
                || body.builds() < 1
                || body.builds() > Reproduction.MOST_BUILDS) {
            throw new BadParameterException(
                    "builds", "field 'builds' must be between 1 and " + Reproduction.MOST_BUILDS);
        }
        String by = identity.getPrincipal().getName();
        Optional<Integer> before = reproductions.setCrateBuilds(name, body.builds(), by);
        audit.crate(
                name,
                by,
                "set-reproduce",
                before.map(String::valueOf).orElse(null),
                String.valueOf(body.builds()));
        return new CrateBuilds(name, body.builds());
    }

    @DELETE
    @RolesAllowed("admin")
    @Operation(summary = "Remove the crate's setting: the registry's or the default applies")
    public void clear(@PathParam("crate") String crate) {
        String name = crateName("crate", crate);
        Optional<Integer> before = reproductions.clearCrateBuilds(name);
        if (before.isEmpty()) {
            throw new NotFoundException("crate " + name + " has no reproduction setting");
        }
        audit.crate(
                name,
                identity.getPrincipal().getName(),
                "clear-reproduce",
                before.get().toString(),
                null);
    }
}
