package dev.crateforge.gateway.security;

import dev.crateforge.gateway.service.BuilderDirectory;
import dev.crateforge.gateway.service.KnownBuilder;
import dev.crateforge.protocol.message.AuthChallenge;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.ChallengeResponse;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshSignature;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Issues challenges and checks the answers: the builder must sign, in the auth namespace and with
 * its REGISTERED key, the challenge this gateway issued bound to this connection ({@link
 * AuthChallenge#signedBytes}).
 *
 * <p>Every failure takes the same path to the same answer. The registry lookup happens only when
 * the response arrives (so a {@code Hello} tells nothing), and for an unknown fingerprint the
 * signature is still verified, against its own embedded key, so that the time taken does not say
 * whether a key is registered. Non-blocking: the registry lookup is asynchronous and the signature
 * check is a bounded computation (one verification per handshake, on a message of at most the
 * pre-authentication size limit).
 */
@ApplicationScoped
public class ChallengeAuthenticator {

    private final SecureRandom random = new SecureRandom();
    private final BuilderDirectory directory;

    public ChallengeAuthenticator(BuilderDirectory directory) {
        this.directory = directory;
    }

    /** {@link BuilderProtocol#CHALLENGE_BYTES} fresh random bytes, base64. */
    public String newChallenge() {
        byte[] bytes = new byte[BuilderProtocol.CHALLENGE_BYTES];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** A fresh id for a connection, part of the signed bytes; never reused. */
    public String newConnectionId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Checks a response. Completes on the caller's Vert.x context.
     *
     * @param fingerprint what the builder's {@code Hello} claimed
     * @param connectionId this connection's id, as sent in the challenge
     * @param issued the challenge issued on this connection (already consumed by the caller)
     */
    public Uni<AuthOutcome> authenticate(
            String fingerprint, String connectionId, String issued, ChallengeResponse response) {
        boolean challengeMatches =
                MessageDigest.isEqual(
                        issued.getBytes(StandardCharsets.UTF_8),
                        response.challenge().getBytes(StandardCharsets.UTF_8));
        SshSignature signature;
        try {
            signature = SshSignature.parse(response.signature());
        } catch (SshFormatException e) {
            // Still looked up, so that a malformed signature takes the path of any other failure.
            return directory
                    .findByFingerprint(fingerprint)
                    .map(ignored -> AuthOutcome.failed("malformed_signature"));
        }
        byte[] signed = AuthChallenge.signedBytes(connectionId, issued);
        return directory
                .findByFingerprint(fingerprint)
                .map(builder -> decide(builder, signature, signed, challengeMatches));
    }

    private static AuthOutcome decide(
            Optional<KnownBuilder> builder,
            SshSignature signature,
            byte[] signed,
            boolean challengeMatches) {
        // For an unknown fingerprint verify against the embedded key: the same arithmetic as for a
        // known one, and the answer is thrown away.
        boolean verified =
                signature.verify(
                        builder.map(KnownBuilder::publicKey).orElse(signature.publicKey()),
                        BuilderProtocol.AUTH_NAMESPACE,
                        signed);
        if (builder.isEmpty()) {
            return AuthOutcome.failed("unknown_key");
        }
        if (!challengeMatches) {
            return AuthOutcome.failed("challenge_mismatch");
        }
        if (!verified) {
            return AuthOutcome.failed(
                    BuilderProtocol.AUTH_NAMESPACE.equals(signature.namespace())
                            ? "bad_signature"
                            : "wrong_namespace");
        }
        if (!builder.get().enabled()) {
            return AuthOutcome.failed("disabled");
        }
        return AuthOutcome.success(builder.get());
    }
}
