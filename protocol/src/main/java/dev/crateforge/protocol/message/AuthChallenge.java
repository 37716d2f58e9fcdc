package dev.crateforge.protocol.message;

import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.nio.charset.StandardCharsets;

/**
 * The exact bytes a builder signs to answer a {@link ChallengeRequest}.
 *
 * <p>The text binds the random challenge to the connection it was issued on, so a signature
 * captured on one connection is worthless on any other:
 *
 * <pre>
 * crateforge-auth/v1\n
 * connection: &lt;connectionId&gt;\n
 * challenge: &lt;challenge, base64 as sent&gt;\n
 * </pre>
 *
 * signed as SSHSIG in the namespace {@link BuilderProtocol#AUTH_NAMESPACE}.
 */
public final class AuthChallenge {

    /** The first line of the signed text. */
    public static final String HEADER = "crateforge-auth/v1";

    private AuthChallenge() {}

    /** The UTF-8 bytes to sign or verify for this connection and challenge. */
    public static byte[] signedBytes(String connectionId, String challengeBase64) {
        String text =
                HEADER + "\nconnection: " + connectionId + "\nchallenge: " + challengeBase64 + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The armored SSHSIG answer to {@code challenge} with the builder's key, in {@link
     * BuilderProtocol#AUTH_NAMESPACE}: what every builder sends back as its {@link
     * ChallengeResponse}.
     *
     * @throws SshFormatException if the key cannot sign
     */
    public static String sign(SshPrivateKey key, ChallengeRequest challenge)
            throws SshFormatException {
        return key.sign(
                        BuilderProtocol.AUTH_NAMESPACE,
                        signedBytes(challenge.connectionId(), challenge.challenge()))
                .armored();
    }
}
