package dev.crateforge.gateway.rest;

import dev.crateforge.gateway.service.PublishedBuilderKeys;
import dev.crateforge.gateway.service.PublishedBuilderKeys.PublishedKey;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The public keys of every builder, past and present, at a stable URL, for anyone who checks
 * provenance: JSON, an OpenSSH {@code allowed_signers} file and PEM. Public and read-only.
 */
@Path("/api/v1/builder-keys")
@PermitAll
public class BuilderKeysResource {

    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{64}");

    private final PublishedBuilderKeys keys;

    public BuilderKeysResource(PublishedBuilderKeys keys) {
        this.keys = keys;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<PublishedKey> list() {
        return keys.all();
    }

    @GET
    @Path("/allowed_signers")
    @Produces(MediaType.TEXT_PLAIN)
    public Response allowedSigners() {
        return Response.ok(keys.allowedSigners())
                .type("text/plain; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"allowed_signers\"")
                .build();
    }

    @GET
    @Path("/{keyid}.pem")
    @Produces("application/x-pem-file")
    public Response pem(@PathParam("keyid") String keyid) {
        if (!KEY_ID.matcher(keyid).matches()) {
            throw new NotFoundException("a key id is 64 lowercase hex digits");
        }
        return keys.pem(keyid)
                .map(
                        pem ->
                                Response.ok(pem)
                                        .type("application/x-pem-file; charset=utf-8")
                                        .header(
                                                "Content-Disposition",
                                                "attachment; filename=\"" + keyid + ".pem\"")
                                        .build())
                .orElseThrow(() -> new NotFoundException("no builder ever had key " + keyid));
    }
}
