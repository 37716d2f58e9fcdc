package dev.crateforge.scheduler.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The hand-assembled ES256 signatures verify with the JDK's own ECDSA, whatever R and S are. */
class Es256SignerTests {

    private static KeyPair pair(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    @Test
    void signaturesVerifyAsJwsEs256() throws Exception {
        KeyPair pair = pair("secp256r1");
        Es256Signer signer = new Es256Signer((ECPrivateKey) pair.getPrivate());
        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        // Enough signatures that some R or S have leading zero bytes (1 in 128 each).
        for (int i = 0; i < 1_000; i++) {
            byte[] input = ("header.payload-" + i).getBytes(StandardCharsets.US_ASCII);
            byte[] signature = signer.sign(input);
            assertThat(signature).hasSize(64);
            verifier.initVerify(pair.getPublic());
            verifier.update(input);
            assertThat(verifier.verify(signature)).as("signature %d", i).isTrue();
        }
    }

    @Test
    void theNonceIsDeterministicPerKeyAndInput() throws Exception {
        // RFC 6979: no dependence on the random source; another input or key gives another R.
        Es256Signer signer = new Es256Signer((ECPrivateKey) pair("secp256r1").getPrivate());
        Es256Signer other = new Es256Signer((ECPrivateKey) pair("secp256r1").getPrivate());
        byte[] input = "same input".getBytes(StandardCharsets.US_ASCII);
        byte[] signature = signer.sign(input);
        assertThat(signer.sign(input)).isEqualTo(signature);
        assertThat(
                        Arrays.copyOf(
                                signer.sign("other input".getBytes(StandardCharsets.US_ASCII)), 32))
                .isNotEqualTo(Arrays.copyOf(signature, 32));
        assertThat(other.sign(input)).isNotEqualTo(signature);
    }

    @Test
    void refusesAKeyOfAnotherCurve() throws Exception {
        ECPrivateKey p384 = (ECPrivateKey) pair("secp384r1").getPrivate();
        assertThatThrownBy(() -> new Es256Signer(p384))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a P-256 key");
    }
}
