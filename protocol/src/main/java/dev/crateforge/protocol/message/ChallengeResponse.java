package dev.crateforge.protocol.message;

import static dev.crateforge.protocol.json.Fields.nonBlank;

/**
 * The builder's proof of key possession: the challenge as received and an armored SSHSIG signature
 * over {@link AuthChallenge#signedBytes(String, String)} in the namespace {@link
 * BuilderProtocol#AUTH_NAMESPACE}.
 */
public record ChallengeResponse(String challenge, String signature) implements ClientMessage {

    public ChallengeResponse {
        nonBlank(challenge, "challenge", 256);
        nonBlank(signature, "signature", 8192);
    }
}
