package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.artifact.service.ProvenanceService;
import dev.crateforge.artifact.service.Rejection;
import dev.crateforge.artifact.service.ReproductionMember;
import dev.crateforge.artifact.service.Reproductions;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.kafka.Reproduction;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.BeanParam;
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
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Artifacts by crate: the latest successful build of a crate version for a target whose artifacts
 * may be public (a build made once, or one whose independent builds agreed or that an operator
 * released), its listing, and the signed provenance of each artifact. Public and read-only.
 */
@Path("/api/v1/crates/{name}/{version}")
@Blocking
public class CrateArtifactResource {

    private final ArtifactCatalog catalog;
    private final ArtifactResponses responses;
    private final ProvenanceService provenance;
    private final Reproductions reproductions;

    public CrateArtifactResource(
            ArtifactCatalog catalog,
            ArtifactResponses responses,
            ProvenanceService provenance,
            Reproductions reproductions) {
        this.catalog = catalog;
        this.responses = responses;
        this.provenance = provenance;
        this.reproductions = reproductions;
    }

    @GET
    @Path("/artifacts")
    @Produces(MediaType.APPLICATION_JSON)
    public List<ArtifactView> list(
            @PathParam("name") String name, @PathParam("version") String version) {
        List<StoredArtifact> latest =
                catalog.latestSucceeded(PathParams.crate(name), PathParams.version(version));
        Map<UUID, Reproduction> reproductionOf = catalog.reproductionsOf(latest);
        Map<UUID, List<ReproductionMember>> members =
                reproductions.members(
                        reproductionOf.values().stream()
                                .map(Reproduction::group)
                                .collect(Collectors.toSet()));
        return latest.stream()
                .map(
                        a -> {
                            Reproduction r = reproductionOf.get(a.jobId);
                            return ArtifactView.listed(
                                    a,
                                    r,
                                    r == null
                                            ? List.of()
                                            : members.getOrDefault(r.group(), List.of()));
                        })
                .toList();
    }

    @GET
    @Path("/{target}/{kind}")
    @Produces(MediaType.WILDCARD)
    public Response download(
            @BeanParam CrateArtifactPath path,
            @HeaderParam("Range") String range,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return responses.send(find(path), range, ifNoneMatch, false);
    }

    @HEAD
    @Path("/{target}/{kind}")
    @Produces(MediaType.WILDCARD)
    public Response head(
            @BeanParam CrateArtifactPath path,
            @HeaderParam("Range") String range,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return responses.send(find(path), range, ifNoneMatch, true);
    }

    @GET
    @Path("/{target}/{kind}/provenance")
    @Produces(MediaType.APPLICATION_JSON)
    public ProvenanceView provenance(@BeanParam CrateArtifactPath path) {
        return ProvenanceView.of(provenance.of(find(path)));
    }

    /**
     * A provenance file ({@link ProvenanceFile}) of the latest successful build, by its route name;
     * the same bytes as by job.
     */
    @GET
    @Path("/{target}/{kind}/provenance/{file}")
    @Produces(MediaType.WILDCARD)
    public Response provenanceFile(
            @BeanParam CrateArtifactPath path,
            @PathParam("file") String file,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        StoredArtifact artifact = find(path);
        ProvenanceFile wanted = ProvenanceFile.ofRoute(file);
        return wanted.answer(provenance.of(artifact), wanted.fileName(), null, ifNoneMatch, false);
    }

    private StoredArtifact find(CrateArtifactPath path) {
        String crate = path.crate();
        String version = path.version();
        String target = path.target();
        ArtifactKind kind = path.kind();
        return catalog.latestSucceeded(crate, version, target, kind)
                .orElseThrow(
                        () ->
                                Rejection.notFound(
                                        "no public successful build of "
                                                + crate
                                                + " "
                                                + version
                                                + " for "
                                                + target
                                                + " stored a "
                                                + kind
                                                + " artifact"));
    }
}
