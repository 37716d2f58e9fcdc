package dev.crateforge.artifact.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crateforge.artifact.config.ArtifactConfig;
import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.artifact.repository.SucceededArtifact;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.artifact.service.CrateBinaries;
import dev.crateforge.artifact.service.Rejection;
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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The stable download layout, public and read-only: {@code
 * /dl/{registry}/{name}/{version}/{name}-{version}-{target}.tgz} (the {@code binary} artifact of
 * the latest successful build, byte for byte as the builder uploaded and signed it), its {@code
 * .sha256} in {@code sha256sum} format, and the per-crate index {@code
 * /dl/{registry}/{name}/index.json}. URLs that cargo-binstall's {@code pkg-url} template renders
 * to; see docs/artifact.md for the layout inside the archive.
 */
@Path("/dl/{registry}/{name}")
@Blocking
public class StableDownloadResource {

    /**
     * Downloads and the index may change when a newer build succeeds: caches keep them a minute,
     * then revalidate with the ETag.
     */
    static final String CACHE_CONTROL = "public, max-age=60";

    private final ArtifactCatalog catalog;
    private final CrateBinaries binaries;
    private final ArtifactResponses responses;
    private final ObjectMapper json;
    private final String registry;

    public StableDownloadResource(
            ArtifactCatalog catalog,
            CrateBinaries binaries,
            ArtifactResponses responses,
            ObjectMapper json,
            ArtifactConfig config) {
        this.catalog = catalog;
        this.binaries = binaries;
        this.responses = responses;
        this.json = json;
        this.registry = config.downloads().registry();
    }

    @GET
    @Path("/{version}/{file}")
    @Produces(MediaType.WILDCARD)
    public Response download(
            @PathParam("registry") String registry,
            @PathParam("name") String name,
            @PathParam("version") String version,
            @PathParam("file") String file,
            @HeaderParam("Range") String range,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return answer(registry, name, version, file, range, ifNoneMatch, false);
    }

    @HEAD
    @Path("/{version}/{file}")
    @Produces(MediaType.WILDCARD)
    public Response head(
            @PathParam("registry") String registry,
            @PathParam("name") String name,
            @PathParam("version") String version,
            @PathParam("file") String file,
            @HeaderParam("Range") String range,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return answer(registry, name, version, file, range, ifNoneMatch, true);
    }

    @GET
    @Path("/index.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response index(
            @PathParam("registry") String registry,
            @PathParam("name") String name,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        String crate = PathParams.crate(name);
        checkRegistry(registry);
        List<SucceededArtifact> latest = catalog.latestSucceededOfCrate(crate);
        if (latest.isEmpty()) {
            throw Rejection.notFound(
                    "unknown crate '" + crate + "': no successful build of it stored an artifact");
        }
        byte[] body = serialize(CrateIndex.of(this.registry, crate, latest));
        String etag = '"' + sha256(body) + '"';
        if (EntityTags.matches(ifNoneMatch, etag)) {
            return Response.notModified()
                    .header(HttpHeaders.ETAG, etag)
                    .header(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
                    .build();
        }
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.ETAG, etag)
                .header(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
                .header(HttpHeaders.CONTENT_LENGTH, body.length)
                .header("X-Content-Type-Options", "nosniff")
                .build();
    }

    private Response answer(
            String registry,
            String name,
            String version,
            String file,
            String range,
            String ifNoneMatch,
            boolean head) {
        String crate = PathParams.crate(name);
        String checkedVersion = PathParams.version(version);
        checkRegistry(registry);
        String pattern = BinstallLayout.archiveName(crate, checkedVersion, "<target>");
        BinstallLayout.RequestedFile requested =
                BinstallLayout.parse(crate, checkedVersion, file)
                        .orElseThrow(
                                () ->
                                        Rejection.notFound(
                                                "no such file: files here are named "
                                                        + pattern
                                                        + " and "
                                                        + pattern
                                                        + BinstallLayout.CHECKSUM_SUFFIX));
        String target = PathParams.target(requested.target());
        StoredArtifact binary = binaries.latest(crate, checkedVersion, target);
        String archiveName = BinstallLayout.archiveName(crate, checkedVersion, target);
        return requested.checksum()
                ? checksum(binary, archiveName, ifNoneMatch, head)
                : responses.send(binary, archiveName, CACHE_CONTROL, range, ifNoneMatch, head);
    }

    /** The {@code .sha256} file; small, so a {@code Range} is ignored (RFC 9110 allows it). */
    private static Response checksum(
            StoredArtifact binary, String archiveName, String ifNoneMatch, boolean head) {
        // Not the archive's ETag: this is another representation, whose content the digest fixes.
        String etag = "\"" + binary.sha256 + BinstallLayout.CHECKSUM_SUFFIX + "\"";
        if (EntityTags.matches(ifNoneMatch, etag)) {
            return Response.notModified()
                    .header(HttpHeaders.ETAG, etag)
                    .header(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
                    .build();
        }
        byte[] body =
                BinstallLayout.checksumFile(binary.sha256, archiveName)
                        .getBytes(StandardCharsets.US_ASCII);
        Response.ResponseBuilder answer =
                Response.ok()
                        .type("text/plain; charset=utf-8")
                        .header(HttpHeaders.CONTENT_LENGTH, body.length)
                        .header(HttpHeaders.ETAG, etag)
                        .header(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
                        .header("X-Content-Type-Options", "nosniff");
        return head ? answer.build() : answer.entity(body).build();
    }

    private void checkRegistry(String requested) {
        if (!PathParams.registry(requested).equals(registry)) {
            throw Rejection.notFound(
                    "unknown registry '" + requested + "': this service serves '" + registry + "'");
        }
    }

    private byte[] serialize(CrateIndex index) {
        try {
            return json.writeValueAsBytes(index);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the index of " + index.crate(), e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
