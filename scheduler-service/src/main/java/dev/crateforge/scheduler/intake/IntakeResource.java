package dev.crateforge.scheduler.intake;

import dev.crateforge.protocol.job.Naming;
import dev.crateforge.scheduler.api.BadParameterException;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The registries the scheduler follows, for operators: where each one's cursor is, how far behind
 * the index head, what it did and its last error; pause and resume; look one crate up in the sparse
 * index. Reading needs the role {@code submitter} or {@code admin} (an error may name the index's
 * address); steering needs {@code admin}.
 */
@Path("/api/v1/registries")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "registries")
public class IntakeResource {

    private final IntakeRepository repository;
    private final RegistryWatcher watcher;
    private final RegistryStatus status;
    private final SecurityIdentity identity;

    public IntakeResource(
            IntakeRepository repository,
            RegistryWatcher watcher,
            RegistryStatus status,
            SecurityIdentity identity) {
        this.status = status;
        this.repository = repository;
        this.watcher = watcher;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({"submitter", "admin"})
    @Operation(summary = "The followed registries with their cursors, lag and last error")
    public List<RegistryView> list() {
        return status.all();
    }

    @POST
    @Path("{name}/pause")
    @RolesAllowed("admin")
    @Operation(summary = "Stop polling the registry (every replica) until it is resumed")
    public RegistryView pause(@PathParam("name") String name) {
        return setPaused(name, true);
    }

    @POST
    @Path("{name}/resume")
    @RolesAllowed("admin")
    @Operation(summary = "Poll the registry again from its cursor")
    public RegistryView resume(@PathParam("name") String name) {
        return setPaused(name, false);
    }

    @POST
    @Path("{name}/crates/{crate}/look-up")
    @RolesAllowed({"submitter", "admin"})
    @Operation(
            summary =
                    "Read one crate from the registry's sparse index now and queue its versions"
                            + " that have no job yet")
    public RegistryWatcher.LookUp lookUp(
            @PathParam("name") String name, @PathParam("crate") String crate) {
        watcher.registry(name);
        if (!Naming.isCrateName(crate)) {
            throw new BadParameterException("crate", "path parameter 'crate' is not a crate name");
        }
        RegistryWatcher.LookUp found;
        try {
            found = watcher.lookUp(name, crate);
        } catch (SparseIndexMissingException e) {
            throw new WebApplicationException(e.getMessage(), 409);
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            throw new WebApplicationException(e.getMessage(), 502);
        }
        if (!found.found()) {
            throw new WebApplicationException(
                    "crate '" + crate + "' is not in the index of registry '" + name + "'", 404);
        }
        return found;
    }

    private RegistryView setPaused(String name, boolean paused) {
        IntakeConfig.Registry registry = watcher.registry(name);
        // Waits for a running poll to finish (its row lock), so that "paused" means no poll runs.
        RegistryCursor cursor =
                QuarkusTransaction.requiringNew()
                        .call(
                                () -> {
                                    repository.lockCursor(name);
                                    repository.setPaused(name, paused);
                                    return repository.lockCursor(name);
                                });
        Log.infof(
                "Registry %s %s by %s",
                name, paused ? "paused" : "resumed", identity.getPrincipal().getName());
        return RegistryStatus.view(name, registry, cursor);
    }
}
