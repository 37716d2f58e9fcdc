package dev.crateforge.protocol.message;

import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.range;

/**
 * The gateway's answer to {@link Hello}: fresh random bytes to sign, the connection they are bound
 * to and how long the builder has to answer. Sent for every fingerprint, known or not.
 *
 * @param connectionId the gateway's id of this connection, part of the signed bytes
 * @param challenge base64 of {@link BuilderProtocol#CHALLENGE_BYTES} or more random bytes
 * @param namespace the SSHSIG namespace to sign in
 * @param expiresInSeconds time left to send the {@link ChallengeResponse}
 */
public record ChallengeRequest(
        String connectionId, String challenge, String namespace, Integer expiresInSeconds)
        implements ServerMessage {

    public ChallengeRequest {
        nonBlank(connectionId, "connectionId", 64);
        nonBlank(challenge, "challenge", 256);
        nonBlank(namespace, "namespace", 128);
        range(expiresInSeconds, "expiresInSeconds", 1, 3600);
    }
}
