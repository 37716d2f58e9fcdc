package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.artifact.service.ProvenanceService;
import dev.crateforge.artifact.service.Rejection;
import dev.crateforge.artifact.service.UploadService;
import dev.crateforge.protocol.contract.UploadOutcome;
import dev.crateforge.protocol.job.ArtifactKind;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.util.UUID;

/**
 * Artifacts by job: the builder's upload ({@code PUT}, authorised by its job token), the download
 * of what a job stored, and the signed provenance of a job that succeeded. These answer whether or
 * not the job's artifacts are public, for investigators; a build of a reproduction carries {@link
 * ReproductionHeader} so that nobody mistakes a withheld build for a published one.
 *
 * <p>The upload is a blocking method reading the request body as an {@link InputStream} on a worker
 * thread: the body flows from the socket through the hash to S3 in small buffers, so the heap holds
 * no artifact however large it is.
 */
@Path("/api/v1/jobs/{jobId}")
@Blocking
public class JobArtifactResource {

    private final UploadService uploads;
    private final ArtifactCatalog catalog;
    private final ArtifactResponses responses;
    private final ProvenanceService provenance;

    public JobArtifactResource(
            UploadService uploads,
            ArtifactCatalog catalog,
            ArtifactResponses responses,
            ProvenanceService provenance) {
        this.uploads = uploads;
        this.catalog = catalog;
        this.responses = responses;
        this.provenance = provenance;
    }

    @PUT
    @Path("/artifacts/{kind}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(
            @PathParam("jobId") String jobId,
            @PathParam("kind") String kind,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
            @HeaderParam(ArtifactResponses.CHECKSUM_HEADER) String declaredSha256,
            InputStream body) {
        UUID job = PathParams.jobId(jobId);
        ArtifactKind artifactKind = PathParams.uploadKind(kind);
        UploadService.Outcome outcome =
                uploads.upload(
                        job,
                        artifactKind,
                        authorization,
                        length(contentLength),
                        declaredSha256,
                        body);
        ArtifactView view = ArtifactView.of(outcome.artifact());
        return Response.status(outcome.created() ? 201 : 200)
                .location(URI.create(view.downloadUrl()))
                .entity(view)
                .build();
    }

    @GET
    @Path("/artifacts/{kind}")
    @Produces(MediaType.WILDCARD)
    public Response download(
            @PathParam("jobId") String jobId,
            @PathParam("kind") String kind,
            @HeaderParam("Range") String range,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        StoredArtifact artifact = find(jobId, kind);
        return ReproductionHeader.on(
                responses.send(artifact, range, ifNoneMatch, false), catalog.job(artifact.jobId));
    }

    @HEAD
    @Path("/artifacts/{kind}")
    @Produces(MediaType.WILDCARD)
    public Response head(
            @PathParam("jobId") String jobId,
            @PathParam("kind") String kind,
            @HeaderParam("Range") String range,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        StoredArtifact artifact = find(jobId, kind);
        return ReproductionHeader.on(
                responses.send(artifact, range, ifNoneMatch, true), catalog.job(artifact.jobId));
    }

    @GET
    @Path("/provenance")
    @Produces(MediaType.APPLICATION_JSON)
    public Response provenance(@PathParam("jobId") String jobId) {
        UUID job = PathParams.jobId(jobId);
        return ReproductionHeader.on(
                Response.ok(ProvenanceView.of(provenance.ofJob(job))).build(), catalog.job(job));
    }

    /** A provenance file ({@link ProvenanceFile}) of the job, by its route name. */
    @GET
    @Path("/provenance/{file}")
    @Produces(MediaType.WILDCARD)
    public Response provenanceFile(
            @PathParam("jobId") String jobId,
            @PathParam("file") String file,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UUID job = PathParams.jobId(jobId);
        ProvenanceFile wanted = ProvenanceFile.ofRoute(file);
        return ReproductionHeader.on(
                wanted.answer(provenance.ofJob(job), wanted.fileName(), null, ifNoneMatch, false),
                catalog.job(job));
    }

    private StoredArtifact find(String jobId, String kind) {
        UUID job = PathParams.jobId(jobId);
        ArtifactKind artifactKind = PathParams.kind(kind);
        return catalog.ofJob(job, artifactKind)
                .orElseThrow(
                        () ->
                                Rejection.notFound(
                                        "job " + job + " stored no " + artifactKind + " artifact"));
    }

    private static Long length(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw Rejection.of(UploadOutcome.BAD_LENGTH, "Content-Length must be a number");
        }
    }
}
