package dev.crateforge.artifact.rest;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * A request for a file of a crate version's directory in the stable download layout, {@code
 * /dl/{registry}/{name}/{version}/{file}}, with the headers a download honours; gathered once for
 * {@code GET} and {@code HEAD} ({@code @BeanParam}). The path segments are checked by {@link
 * PathParams} where they are used.
 */
public class StableFileRequest {

    @PathParam("registry")
    String registry;

    @PathParam("name")
    String name;

    @PathParam("version")
    String version;

    @PathParam("file")
    String file;

    @HeaderParam("Range")
    String range;

    @HeaderParam(HttpHeaders.IF_NONE_MATCH)
    String ifNoneMatch;
}
