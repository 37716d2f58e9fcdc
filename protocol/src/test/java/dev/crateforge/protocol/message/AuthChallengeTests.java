package dev.crateforge.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

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
}
