package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.service.ProvenanceService.BuildProvenance;
import dev.crateforge.artifact.service.Rejection;
import dev.crateforge.protocol.json.ProtocolJson;
import jakarta.ws.rs.core.Response;

/** Serves one of the provenance files as plain text, named as the verify command expects. */
final class ProvenanceFiles {

    private ProvenanceFiles() {}

    static Response statement(BuildProvenance p) {
        return file(p.statement(), "statement");
    }

    static Response signature(BuildProvenance p) {
        return file(p.signature(), "build.sig");
    }

    static Response allowedSigners(BuildProvenance p) {
        return file(p.allowedSigners(), "allowed_signers");
    }

    /**
     * The DSSE envelope as in-toto's JSON Lines bundle: one envelope per line ({@code
     * .intoto.jsonl}, the name in-toto tools and SLSA verifiers look for).
     */
    static Response envelope(BuildProvenance p) {
        return file(p.requireEnvelope() + "\n", "provenance.intoto.jsonl", "application/jsonl");
    }

    /** The builder's key for securesystemslib ({@code SSlibKey.from_dict}). */
    static Response builderKey(BuildProvenance p) {
        if (p.builderKey() == null) {
            throw Rejection.notFound(
                    "securesystemslib has no scheme for this builder's key type; use builder.pem");
        }
        return file(
                ProtocolJson.encode(p.builderKey()) + "\n", "builder-key.json", "application/json");
    }

    /** The builder's key as a PEM {@code PUBLIC KEY}. */
    static Response builderPem(BuildProvenance p) {
        return file(p.builderPem(), "builder.pem", "application/x-pem-file");
    }

    private static Response file(String text, String name) {
        return file(text, name, "text/plain");
    }

    private static Response file(String text, String name, String mediaType) {
        return Response.ok(text)
                .type(mediaType + "; charset=utf-8")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"")
                .build();
    }
}
