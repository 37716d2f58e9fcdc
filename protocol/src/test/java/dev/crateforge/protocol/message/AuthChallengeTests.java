package dev.crateforge.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.protocol.ssh.SshPrivateKey;
import dev.crateforge.protocol.ssh.SshSignature;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuthChallengeTests {

    @Test
    void signedBytesBindTheChallengeToTheConnection() {
        byte[] bytes = AuthChallenge.signedBytes("conn-1", "c2VjcmV0");

        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("crateforge-auth/v1\nconnection: conn-1\nchallenge: c2VjcmV0\n");
        assertThat(AuthChallenge.signedBytes("conn-2", "c2VjcmV0")).isNotEqualTo(bytes);
    }

    @Test
    void theAnswerVerifiesForItsConnectionInTheAuthNamespaceOnly() throws Exception {
        SshPrivateKey key = SshPrivateKey.generateEd25519();
        ChallengeRequest challenge =
                new ChallengeRequest("conn-1", "c2VjcmV0", BuilderProtocol.AUTH_NAMESPACE, 10);

        SshSignature signature = SshSignature.parse(AuthChallenge.sign(key, challenge));

        byte[] signed = AuthChallenge.signedBytes("conn-1", "c2VjcmV0");
        assertThat(signature.verify(key.publicKey(), BuilderProtocol.AUTH_NAMESPACE, signed))
                .isTrue();
        assertThat(
                        signature.verify(
                                key.publicKey(),
                                BuilderProtocol.AUTH_NAMESPACE,
                                AuthChallenge.signedBytes("conn-2", "c2VjcmV0")))
                .isFalse();
        assertThat(signature.verify(key.publicKey(), BuilderProtocol.BUILD_NAMESPACE, signed))
                .isFalse();
    }
}
