package dev.crateforge.artifact.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.crateforge.artifact.service.ProvenanceService;
import dev.crateforge.artifact.service.ProvenanceService.BuildProvenance;
import dev.crateforge.protocol.json.ProtocolJson;
import dev.crateforge.protocol.message.BuilderProtocol;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON form of a build's provenance. The plain-text endpoints next to it serve the same three
 * files byte for byte, ready for {@code ssh-keygen -Y verify}; {@code envelope} is the SLSA
 * provenance (a DSSE envelope, absent when the builder sent none) and {@code builderKey} the
 * builder's key as securesystemslib reads it.
 */
public record ProvenanceView(
        UUID jobId,
        int attempt,
        String namespace,
        String principal,
        String statement,
        String signature,
        String builderPublicKey,
        String allowedSigners,
        String verifyCommand,
        JsonNode envelope,
        Map<String, Object> builderKey) {

    static ProvenanceView of(BuildProvenance p) {
        return new ProvenanceView(
                p.jobId(),
                p.attempt(),
                BuilderProtocol.BUILD_NAMESPACE,
                ProvenanceService.PRINCIPAL,
                p.statement(),
                p.signature(),
                p.builderPublicKey(),
                p.allowedSigners(),
                ProvenanceService.VERIFY_COMMAND,
                envelope(p.envelope()),
                p.builderKey());
    }

    private static JsonNode envelope(String json) {
        if (json == null) {
            return null;
        }
        try {
            return ProtocolJson.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored provenance envelope is unreadable", e);
        }
    }
}
