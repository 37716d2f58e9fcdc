package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.service.ProvenanceService;
import dev.crateforge.artifact.service.ProvenanceService.BuildProvenance;
import dev.crateforge.protocol.message.BuilderProtocol;
import java.util.UUID;

/**
 * The JSON form of a build's provenance. The plain-text endpoints next to it serve the same three
 * files byte for byte, ready for {@code ssh-keygen -Y verify}.
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
        String verifyCommand) {

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
                ProvenanceService.VERIFY_COMMAND);
    }
}
