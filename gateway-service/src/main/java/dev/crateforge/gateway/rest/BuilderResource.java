package dev.crateforge.gateway.rest;

import dev.crateforge.gateway.service.BuilderRegistry;
import dev.crateforge.gateway.service.InvalidBuilderException;
import dev.crateforge.gateway.websocket.BuilderSessions;
import dev.crateforge.protocol.contract.SocketClose;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;

/**
 * The operators' API of the builder registry. Disabling or deleting a builder revokes it: the
 * registry writes a {@code Disconnect} control record through the outbox in the same transaction,
 * which every gateway replica and the artifact service act on, so that the builder's open
 * connection is closed wherever it is and its job tokens stop working.
 */
@Path("/api/v1/builders")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class BuilderResource {

    private final BuilderRegistry registry;
    private final BuilderSessions sessions;

    public BuilderResource(BuilderRegistry registry, BuilderSessions sessions) {
        this.registry = registry;
        this.sessions = sessions;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(RegisterBuilder body) {
        if (body == null) {
            throw new InvalidBuilderException("request body is missing");
        }
        BuilderView view =
                BuilderView.of(
                        registry.register(
                                body.name(),
                                body.publicKey(),
                                body.allowedTargets(),
                                body.maxConcurrentJobs(),
                                body.enabled(),
                                body.owner()));
        return Response.created(URI.create("/api/v1/builders/" + view.id())).entity(view).build();
    }

    @GET
    public List<BuilderView> list() {
        return registry.list().stream().map(BuilderView::of).toList();
    }

    @GET
    @Path("/{id}")
    public BuilderView get(@PathParam("id") UUID id) {
        return BuilderView.of(registry.get(id));
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public BuilderView update(@PathParam("id") UUID id, UpdateBuilder body) {
        if (body == null) {
            throw new InvalidBuilderException("request body is missing");
        }
        return BuilderView.of(
                registry.update(id, body.name(), body.allowedTargets(), body.maxConcurrentJobs()));
    }

    @POST
    @Path("/{id}/enable")
    public BuilderView enable(@PathParam("id") UUID id) {
        return BuilderView.of(registry.setEnabled(id, true));
    }

    @POST
    @Path("/{id}/disable")
    public BuilderView disable(@PathParam("id") UUID id) {
        BuilderView view = BuilderView.of(registry.setEnabled(id, false));
        closeHere(id);
        return view;
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") UUID id) {
        registry.delete(id);
        closeHere(id);
        return Response.noContent().build();
    }

    /**
     * Closes the builder's connection on this replica at once; the registry's {@code Disconnect}
     * record, relayed from the outbox, closes it on every other replica.
     */
    private void closeHere(UUID id) {
        sessions.find(id).ifPresent(live -> live.close(SocketClose.BUILDER_REVOKED));
    }
}
