package dev.crateforge.gateway.security;

import dev.crateforge.gateway.service.KnownBuilder;
import dev.crateforge.gateway.websocket.SocketErrors;
import dev.crateforge.protocol.contract.SocketError;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.ErrorMessage;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshSignature;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Checks a {@code JobResponse} before it may complete a job: the statement parses, agrees with the
 * message and names this builder's key, and its SSHSIG in the build namespace verifies with the
 * builder's registered key. What passes here is provenance anyone can re-check with {@code
 * ssh-keygen -Y verify}.
 */
@ApplicationScoped
public class BuildResponseVerifier {

    /** Empty when the response is good, else the error to send back. */
    public Optional<ErrorMessage> check(KnownBuilder builder, JobResponse response) {
        BuildStatement statement;
        try {
            statement = BuildStatement.parse(response.statement());
        } catch (IllegalArgumentException e) {
            return refuse(SocketError.INVALID_STATEMENT, "statement: " + e.getMessage(), response);
        }
        if (!statement.jobId().equals(response.jobId())) {
            return refuse(
                    SocketError.INVALID_STATEMENT, "statement is about another job", response);
        }
        if (!statement.attempt().equals(response.attempt())) {
            return refuse(
                    SocketError.INVALID_STATEMENT, "statement is about another attempt", response);
        }
        if (statement.result() != response.result()) {
            return refuse(
                    SocketError.INVALID_STATEMENT, "statement reports another result", response);
        }
        if (!sorted(statement.artifacts()).equals(sorted(response.artifacts()))) {
            return refuse(
                    SocketError.INVALID_STATEMENT, "statement lists other artifacts", response);
        }
        if (!statement.builderFingerprint().equals(builder.publicKey().fingerprint())) {
            return refuse(
                    SocketError.INVALID_STATEMENT, "statement names another builder key", response);
        }
        SshSignature signature;
        try {
            signature = SshSignature.parse(response.signature());
        } catch (SshFormatException e) {
            return refuse(SocketError.INVALID_SIGNATURE, "signature: " + e.getMessage(), response);
        }
        boolean verified =
                signature.verify(
                        builder.publicKey(),
                        BuilderProtocol.BUILD_NAMESPACE,
                        response.statement().getBytes(StandardCharsets.UTF_8));
        if (!verified) {
            return refuse(
                    SocketError.INVALID_SIGNATURE,
                    "signature does not verify with this builder's registered key in namespace "
                            + BuilderProtocol.BUILD_NAMESPACE,
                    response);
        }
        return Optional.empty();
    }

    private static List<ArtifactDigest> sorted(List<ArtifactDigest> artifacts) {
        return artifacts.stream()
                .sorted(Comparator.comparing((ArtifactDigest a) -> a.kind().wireName()))
                .toList();
    }

    private static Optional<ErrorMessage> refuse(
            SocketError code, String message, JobResponse response) {
        return Optional.of(SocketErrors.of(code, message, response.jobId()));
    }
}
