package dev.crateforge.artifact.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crateforge.artifact.config.ArtifactConfig;
import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.artifact.repository.SucceededArtifact;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.artifact.service.CrateBinaries;
import dev.crateforge.artifact.service.ProvenanceService;
import dev.crateforge.artifact.service.Rejection;
import dev.crateforge.artifact.service.Reproductions;
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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The stable download layout, public and read-only: {@code
 * /dl/{registry}/{name}/{version}/{name}-{version}-{target}.tgz} (the {@code binary} artifact of
 * the latest successful build whose artifacts may be public, see {@code Reproduction.publishable},
 * byte for byte as the builder uploaded and signed it), its {@code .sha256} in {@code sha256sum}
 * format, the build's provenance beside it ({@code .intoto.jsonl}, the DSSE envelope, with the
 * builder's key, and the SSHSIG statement; see {@link ProvenanceFile}), and the per-crate index
 * {@code /dl/{registry}/{name}/index.json}. URLs that cargo-binstall's {@code pkg-url} template
 * renders to; see docs/artifact.md for the layout inside the archive.
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
    private final ProvenanceService provenance;
    private final ObjectMapper json;
    private final Reproductions reproductions;
    private final String registry;

    public StableDownloadResource(
            ArtifactCatalog catalog,
            CrateBinaries binaries,
            ArtifactResponses responses,
            ProvenanceService provenance,
            ObjectMapper json,
            Reproductions reproductions,
            ArtifactConfig config) {
        this.catalog = catalog;
        this.binaries = binaries;
        this.responses = responses;
        this.provenance = provenance;
        this.json = json;
        this.reproductions = reproductions;
        this.registry = config.downloads().registry();
    }

    @GET
    @Path("/{version}/{file}")
    @Produces(MediaType.WILDCARD)
    public Response download(@BeanParam StableFileRequest request) {
        return answer(request, false);
    }

    @HEAD
    @Path("/{version}/{file}")
    @Produces(MediaType.WILDCARD)
    public Response head(@BeanParam StableFileRequest request) {
        return answer(request, true);
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
                    "unknown crate '"
                            + crate
                            + "': no public successful build of it stored an artifact");
        }
        byte[] body =
                serialize(
                        CrateIndex.of(
                                this.registry,
                                crate,
                                latest,
                                reproductions.members(
                                        latest.stream()
                                                .map(SucceededArtifact::reproduction)
                                                .filter(Objects::nonNull)
                                                .map(Reproduction::group)
                                                .collect(Collectors.toSet()))));
        return CacheableAnswers.small(
                body, MediaType.APPLICATION_JSON, null, CACHE_CONTROL, null, ifNoneMatch, false);
    }

    private Response answer(StableFileRequest request, boolean head) {
        String crate = PathParams.crate(request.name);
        String checkedVersion = PathParams.version(request.version);
        checkRegistry(request.registry);
        String pattern = BinstallLayout.archiveName(crate, checkedVersion, "<target>");
        BinstallLayout.RequestedFile requested =
                BinstallLayout.parse(crate, checkedVersion, request.file)
                        .orElseThrow(
                                () ->
                                        Rejection.notFound(
                                                "no such file: files here are named "
                                                        + pattern
                                                        + ", alone or followed by one of "
                                                        + String.join(
                                                                " ",
                                                                BinstallLayout.suffixes().stream()
                                                                        .filter(x -> !x.isEmpty())
                                                                        .sorted()
                                                                        .toList())));
        String target = PathParams.target(requested.target());
        StoredArtifact binary = binaries.latest(crate, checkedVersion, target);
        String archiveName = BinstallLayout.archiveName(crate, checkedVersion, target);
        if (requested.archive()) {
            return responses.send(
                    binary, archiveName, CACHE_CONTROL, request.range, request.ifNoneMatch, head);
        }
        Optional<ProvenanceFile> provenanceFile = requested.provenance();
        if (provenanceFile.isPresent()) {
            return provenanceFile
                    .get()
                    .answer(
                            provenance.of(binary),
                            archiveName + requested.suffix(),
                            CACHE_CONTROL,
                            request.ifNoneMatch,
                            head);
        }
        // Not the archive's ETag: this is another representation, whose content the digest fixes.
        return CacheableAnswers.small(
                BinstallLayout.checksumFile(binary.sha256, archiveName)
                        .getBytes(StandardCharsets.US_ASCII),
                "text/plain; charset=utf-8",
                CacheableAnswers.etag(binary.sha256 + BinstallLayout.CHECKSUM_SUFFIX),
                CACHE_CONTROL,
                null,
                request.ifNoneMatch,
                head);
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
}
