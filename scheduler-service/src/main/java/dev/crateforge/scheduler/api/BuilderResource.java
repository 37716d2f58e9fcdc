package dev.crateforge.scheduler.api;

import dev.crateforge.scheduler.lifecycle.BuilderConnectionRepository;
import dev.crateforge.scheduler.lifecycle.OnlineBuilder;
import jakarta.annotation.security.PermitAll;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Which builders are connected now, as the gateways reported through connection records. */
@Path("/api/v1/connections")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "builders")
public class BuilderResource {

    private final BuilderConnectionRepository connections;

    public BuilderResource(BuilderConnectionRepository connections) {
        this.connections = connections;
    }

    @GET
    @Path("online")
    @PermitAll
    @Transactional
    @Operation(summary = "Open builder connections")
    public List<OnlineBuilder> online() {
        return connections.online();
    }
}
