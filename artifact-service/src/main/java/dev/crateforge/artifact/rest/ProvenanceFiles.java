package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.service.ProvenanceService.BuildProvenance;
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

    private static Response file(String text, String name) {
        return Response.ok(text)
                .type("text/plain; charset=utf-8")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"")
                .build();
    }
}
