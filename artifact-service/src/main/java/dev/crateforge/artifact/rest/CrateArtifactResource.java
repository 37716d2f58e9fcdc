package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.artifact.service.ProvenanceService;
import dev.crateforge.artifact.service.Rejection;
import dev.crateforge.protocol.job.ArtifactKind;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Artifacts by crate: the latest successful build of a crate version for a target, its listing, and
 * the signed provenance of each artifact. Public and read-only.
 */
@Path("/api/v1/crates/{name}/{version}")
@Blocking
public class CrateArtifactResource {

    private final ArtifactCatalog catalog;
    private final ArtifactResponses responses;
    private final ProvenanceService provenance;

    public CrateArtifactResource(
            ArtifactCatalog catalog, ArtifactResponses responses, ProvenanceService provenance) {
        this.catalog = catalog;
        this.responses = responses;
        this.provenance = provenance;
    }

    @GET
    @Path("/artifacts")
    @Produces(MediaType.APPLICATION_JSON)
    public List<ArtifactView> list(
            @PathParam("name") String name, @PathParam("version") String version) {
        return catalog.latestSucceeded(PathParams.crate(name), PathParams.version(version)).stream()
                .map(ArtifactView::of)
                .toList();
    }

    @GET
    @Path("/{target}/{kind}")
    @Produces(MediaType.WILDCARD)
    public Response download(
            @PathParam("name") String name,
            @PathParam("version") String version,
            @PathParam("target") String target,
            @PathParam("kind") String kind,
            @HeaderParam("Range") String range,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return responses.send(find(name, version, target, kind), range, ifNoneMatch, false);
    }

    @HEAD
    @Path("/{target}/{kind}")
    @Produces(MediaType.WILDCARD)
    public Response head(
            @PathParam("name") String name,
            @PathParam("version") String version,
            @PathParam("target") String target,
            @PathParam("kind") String kind,
            @HeaderParam("Range") String range,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return responses.send(find(name, version, target, kind), range, ifNoneMatch, true);
    }

    @GET
    @Path("/{target}/{kind}/provenance")
    @Produces(MediaType.APPLICATION_JSON)
    public ProvenanceView provenance(
            @PathParam("name") String name,
            @PathParam("version") String version,
            @PathParam("target") String target,
            @PathParam("kind") String kind) {
        return ProvenanceView.of(provenance.of(find(name, version, target, kind)));
    }

    @GET
    @Path("/{target}/{kind}/provenance/statement")
    @Produces(MediaType.TEXT_PLAIN)
    public Response statement(
            @PathParam("name") String name,
            @PathParam("version") String version,
            @PathParam("target") String target,
            @PathParam("kind") String kind) {
        return ProvenanceFiles.statement(provenance.of(find(name, version, target, kind)));
    }

    @GET
    @Path("/{target}/{kind}/provenance/signature")
    @Produces(MediaType.TEXT_PLAIN)
    public Response signature(
            @PathParam("name") String name,
            @PathParam("version") String version,
            @PathParam("target") String target,
            @PathParam("kind") String kind) {
        return ProvenanceFiles.signature(provenance.of(find(name, version, target, kind)));
    }

    @GET
    @Path("/{target}/{kind}/provenance/allowed_signers")
    @Produces(MediaType.TEXT_PLAIN)
    public Response allowedSigners(
            @PathParam("name") String name,
            @PathParam("version") String version,
            @PathParam("target") String target,
            @PathParam("kind") String kind) {
        return ProvenanceFiles.allowedSigners(provenance.of(find(name, version, target, kind)));
    }

    private StoredArtifact find(String name, String version, String target, String kind) {
        String crate = PathParams.crate(name);
        String v = PathParams.version(version);
        String t = PathParams.target(target);
        ArtifactKind k = PathParams.kind(kind);
        return catalog.latestSucceeded(crate, v, t, k)
                .orElseThrow(
                        () ->
                                Rejection.notFound(
                                        "no successful build of "
                                                + crate
                                                + " "
                                                + v
                                                + " for "
                                                + t
                                                + " stored a "
                                                + k
                                                + " artifact"));
    }
}
