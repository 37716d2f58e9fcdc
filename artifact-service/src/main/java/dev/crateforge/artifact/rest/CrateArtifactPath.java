package dev.crateforge.artifact.rest;

import dev.crateforge.protocol.job.ArtifactKind;
import jakarta.ws.rs.PathParam;

/**
 * The path segments that name one artifact of a crate, {@code {name}/{version}/{target}/{kind}},
 * gathered once for every endpoint under them ({@code @BeanParam}). Each accessor validates its
 * segment and answers 400 with a precise message when it is malformed.
 */
public class CrateArtifactPath {

    @PathParam("name")
    String name;

    @PathParam("version")
    String version;

    @PathParam("target")
    String target;

    @PathParam("kind")
    String kind;

    String crate() {
        return PathParams.crate(name);
    }

    String version() {
        return PathParams.version(version);
    }

    String target() {
        return PathParams.target(target);
    }

    ArtifactKind kind() {
        return PathParams.kind(kind);
    }
}
