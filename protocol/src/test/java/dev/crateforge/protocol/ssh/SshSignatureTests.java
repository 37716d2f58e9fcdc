package dev.crateforge.protocol.ssh;

import static dev.crateforge.protocol.ssh.SshFixtures.NAMESPACE;
import static dev.crateforge.protocol.ssh.SshFixtures.message;
import static dev.crateforge.protocol.ssh.SshFixtures.privateKey;
import static dev.crateforge.protocol.ssh.SshFixtures.publicKey;
import static dev.crateforge.protocol.ssh.SshFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.signers.RSADigestSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SshSignatureTests {

    private static SshSignature fixture(String name) throws SshFormatException {
        return SshSignature.parse(text(name));
    }

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void verifiesSshKeygenSignature(String name) throws Exception {
        SshSignature sig = fixture(name + ".sha512.sig");
        assertThat(sig.verify(publicKey(name), NAMESPACE, message())).isTrue();
        assertThat(sig.namespace()).isEqualTo(NAMESPACE);
        assertThat(sig.hashAlgorithm()).isEqualTo(SshHashAlgorithm.SHA512);
        assertThat(sig.publicKey()).isEqualTo(publicKey(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa256", "rsa2048"})
    void verifiesSshKeygenSha256Signature(String name) throws Exception {
        SshSignature sig = fixture(name + ".sha256.sig");
        assertThat(sig.hashAlgorithm()).isEqualTo(SshHashAlgorithm.SHA256);
        assertThat(sig.verify(publicKey(name), NAMESPACE, message())).isTrue();
    }

    @Test
    void rsaSignsAsRsaSha2512ByDefault() throws Exception {
        assertThat(fixture("rsa2048.sha512.sig").signatureAlgorithm()).isEqualTo("rsa-sha2-512");
        assertThat(privateKey("rsa3072").sign("ns", new byte[1]).signatureAlgorithm())
                .isEqualTo("rsa-sha2-512");
    }

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void armoredIsExactlySshKeygenFormat(String name) throws Exception {
        String original = text(name + ".sha512.sig");
        SshSignature sig = SshSignature.parse(original);
        assertThat(sig.armored()).isEqualTo(original);
        assertThat(SshSignature.parse(sig.base64()).blob()).isEqualTo(sig.blob());
    }

    @Test
    void acceptsCrLfArmor() throws Exception {
        String crlf = text("ed25519.sha512.sig").replace("\n", "\r\n");
        assertThat(SshSignature.parse(crlf).verify(publicKey("ed25519"), NAMESPACE, message()))
                .isTrue();
    }

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void wrongNamespaceIsFalse(String name) throws Exception {
        SshSignature sig = fixture(name + ".sha512.sig");
        assertThat(sig.verify(publicKey(name), "git", message())).isFalse();
        assertThat(sig.verify(publicKey(name), NAMESPACE + "x", message())).isFalse();
        assertThat(sig.verify(publicKey(name), "", message())).isFalse();
        assertThat(sig.verify(publicKey(name), null, message())).isFalse();
    }

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void wrongMessageIsFalse(String name) throws Exception {
        SshSignature sig = fixture(name + ".sha512.sig");
        byte[] other = message();
        other[0] ^= 1;
        assertThat(sig.verify(publicKey(name), NAMESPACE, other)).isFalse();
        assertThat(sig.verify(publicKey(name), NAMESPACE, new byte[0])).isFalse();
        assertThat(sig.verify(publicKey(name), NAMESPACE, null)).isFalse();
    }

    @Test
    void wrongKeyIsFalse() throws Exception {
        SshSignature sig = fixture("ed25519.sha512.sig");
        assertThat(sig.verify(publicKey("ca-ed25519"), NAMESPACE, message())).isFalse();
        assertThat(sig.verify(publicKey("ecdsa256"), NAMESPACE, message())).isFalse();
        assertThat(sig.verify(null, NAMESPACE, message())).isFalse();
    }

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void tamperedSignatureValueIsFalse(String name) throws Exception {
        SshSigCrafter c = SshSigCrafter.from(fixture(name + ".sha512.sig"));
        // The last byte of the value: for ECDSA the low byte of s, still a well-formed mpint.
        c.signature[c.signature.length - 1] ^= 1;
        SshSignature tampered = SshSignature.fromBlob(c.build());
        assertThat(tampered.verify(publicKey(name), NAMESPACE, message())).isFalse();
    }

    @Test
    void embeddedKeyMustEqualRegisteredKey() throws Exception {
        // A valid signature by another key, claiming nothing false, still must not verify.
        SshSignature byCa = privateKey("ca-ed25519").sign(NAMESPACE, message());
        assertThat(byCa.verify(publicKey("ed25519"), NAMESPACE, message())).isFalse();
        assertThat(byCa.verify(publicKey("ca-ed25519"), NAMESPACE, message())).isTrue();
    }

    @Test
    void embeddedKeyThatWasSwappedIsFalse() throws Exception {
        SshSigCrafter c = SshSigCrafter.from(fixture("ed25519.sha512.sig"));
        c.publicKey = publicKey("ca-ed25519").blob();
        SshSignature swapped = SshSignature.fromBlob(c.build());
        assertThat(swapped.verify(publicKey("ca-ed25519"), NAMESPACE, message())).isFalse();
        assertThat(swapped.verify(publicKey("ed25519"), NAMESPACE, message())).isFalse();
    }

    @Test
    void rejectsWrongMagic() throws Exception {
        SshSigCrafter c = SshSigCrafter.from(fixture("ed25519.sha512.sig"));
        c.magic = "SSHSIH".getBytes(StandardCharsets.US_ASCII);
        assertRejected(c.build(), "bad magic");
    }

    @Test
    void rejectsWrongVersion() throws Exception {
        SshSigCrafter c = SshSigCrafter.from(fixture("ed25519.sha512.sig"));
        c.version = 2;
        assertRejected(c.build(), "unsupported SSHSIG version 2");
    }

    @Test
    void rejectsSha1Hash() throws Exception {
        SshSigCrafter c = SshSigCrafter.from(fixture("ed25519.sha512.sig"));
        c.hash = "sha1";
        assertRejected(c.build(), "unsupported hash algorithm sha1");
    }

    @Test
    void rejectsUnknownHash() throws Exception {
        SshSigCrafter c = SshSigCrafter.from(fixture("ed25519.sha512.sig"));
        c.hash = "sha384";
        assertRejected(c.build(), "unsupported hash algorithm sha384");
    }

    @Test
    void rejectsEmptyNamespace() throws Exception {
        SshSigCrafter c = SshSigCrafter.from(fixture("ed25519.sha512.sig"));
        c.namespace = "";
        assertRejected(c.build(), "namespace is empty");
    }

    @Test
    void rejectsSha1RsaSignature() throws Exception {
        // A genuine RSA/SHA-1 signature over the right data: refused for its algorithm alone.
        SshPrivateKey key = privateKey("rsa2048");
        SshSigCrafter c = SshSigCrafter.from(key.sign(NAMESPACE, message()));
        c.algorithm = "ssh-rsa";
        RSADigestSigner sha1 = new RSADigestSigner(new SHA1Digest());
        sha1.init(true, rsaPrivate(key));
        byte[] data =
                SignedData.of(
                        NAMESPACE,
                        SshHashAlgorithm.SHA512,
                        SshHashAlgorithm.SHA512.hash(message()));
        sha1.update(data, 0, data.length);
        c.signature = sha1.generateSignature();
        assertRejected(c.build(), "signature algorithm ssh-rsa (RSA with SHA-1) is refused");
    }

    @Test
    void rejectsEd25519SignatureWithEcdsaKey() throws Exception {
        SshSigCrafter c = SshSigCrafter.from(fixture("ed25519.sha512.sig"));
        c.publicKey = publicKey("ecdsa256").blob();
        assertRejected(c.build(), "signature algorithm ssh-ed25519 does not fit key type");
    }

    @Test
    void rejectsEcdsaCurveMismatch() throws Exception {
        SshSigCrafter c = SshSigCrafter.from(fixture("ecdsa256.sha512.sig"));
        c.publicKey = publicKey("ecdsa384").blob();
        assertRejected(c.build(), "does not fit key type ecdsa-sha2-nistp384");
    }

    @Test
    void rejectsTrailingGarbage() throws Exception {
        SshSigCrafter c = SshSigCrafter.from(fixture("ed25519.sha512.sig"));
        c.trailer = new byte[] {0};
        assertRejected(c.build(), "trailing garbage");
        c.trailer = new byte[0];
        c.signatureTrailer = new byte[] {1, 2};
        assertRejected(c.build(), "trailing garbage");
    }

    @Test
    void rejectsTrailingGarbageInsideEcdsaValue() throws Exception {
        SshSigCrafter c = SshSigCrafter.from(fixture("ecdsa384.sha512.sig"));
        c.signature = Arrays.copyOf(c.signature, c.signature.length + 3);
        assertRejected(c.build(), "trailing garbage");
    }

    @Test
    void rejectsWrongEd25519SignatureLength() throws Exception {
        SshSigCrafter c = SshSigCrafter.from(fixture("ed25519.sha512.sig"));
        c.signature = Arrays.copyOf(c.signature, 63);
        assertRejected(c.build(), "ed25519 signature must be 64 bytes");
    }

    @Test
    void rejectsNegativeEcdsaMpint() throws Exception {
        SshSigCrafter c = SshSigCrafter.from(fixture("ecdsa256.sha512.sig"));
        c.signature =
                new SshWireWriter()
                        .string(new byte[] {(byte) 0x80, 1})
                        .mpint(BigInteger.ONE)
                        .toByteArray();
        assertRejected(c.build(), "ECDSA r is negative");
    }

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void rejectsEveryTruncation(String name) throws Exception {
        byte[] blob = fixture(name + ".sha512.sig").blob();
        for (int n = 0; n < blob.length; n++) {
            byte[] cut = Arrays.copyOf(blob, n);
            assertThatThrownBy(() -> SshSignature.fromBlob(cut))
                    .as("cut to %d bytes", n)
                    .isInstanceOf(SshFormatException.class);
        }
    }

    @Test
    void rejectsHugeLengthFields() throws Exception {
        byte[] blob = fixture("ed25519.sha512.sig").blob();
        // The public key length sits right after magic and version.
        for (int v : new int[] {0xffffffff, 0x7fffffff, 0x00010000, blob.length}) {
            byte[] forged = blob.clone();
            forged[10] = (byte) (v >>> 24);
            forged[11] = (byte) (v >>> 16);
            forged[12] = (byte) (v >>> 8);
            forged[13] = (byte) v;
            assertThatThrownBy(() -> SshSignature.fromBlob(forged))
                    .isInstanceOf(SshFormatException.class)
                    .hasMessageContaining("public key");
        }
    }

    @Test
    void rejectsMalformedText() {
        assertThatThrownBy(() -> SshSignature.parse(null)).isInstanceOf(SshFormatException.class);
        assertThatThrownBy(() -> SshSignature.parse("")).isInstanceOf(SshFormatException.class);
        assertThatThrownBy(() -> SshSignature.parse("not base64 at all!"))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("base64");
        assertThatThrownBy(() -> SshSignature.parse("-----BEGIN SSH SIGNATURE-----\nAAAA"))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("-----END SSH SIGNATURE-----");
        assertThatThrownBy(
                        () ->
                                SshSignature.parse(
                                        "-----BEGIN SSH SIGNATURE----------END SSH SIGNATURE-----"))
                .isInstanceOf(SshFormatException.class);
        assertThatThrownBy(() -> SshSignature.fromBlob(null))
                .isInstanceOf(SshFormatException.class);
    }

    @Test
    void rejectsRefusedEmbeddedKeys() throws Exception {
        SshSigCrafter c = SshSigCrafter.from(fixture("rsa2048.sha512.sig"));
        c.publicKey = Base64.getDecoder().decode(text("rsa1024.pub").split(" ")[1]);
        assertRejected(c.build(), "RSA key too small");
        c.publicKey = Base64.getDecoder().decode(text("dsa.pub").split(" ")[1]);
        assertRejected(c.build(), "unsupported key type ssh-dss");
    }

    @Test
    void toStringHidesSignatureBytes() throws Exception {
        SshSignature sig = fixture("ed25519.sha512.sig");
        assertThat(sig.toString())
                .contains(NAMESPACE, "ssh-ed25519", "sha512")
                .doesNotContain(sig.base64().substring(100, 120));
    }

    @Test
    void verifyIsRepeatableAndThreadSafeForSharedKey() throws Exception {
        SshPublicKey key = publicKey("ed25519");
        SshSignature sig = fixture("ed25519.sha512.sig");
        boolean all =
                java.util.stream.IntStream.range(0, 200)
                        .parallel()
                        .allMatch(i -> sig.verify(key, NAMESPACE, message()));
        assertThat(all).isTrue();
    }

    private static void assertRejected(byte[] blob, String message) {
        assertThatThrownBy(() -> SshSignature.fromBlob(blob))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining(message);
        String armored = Armor.encode("SSH SIGNATURE", blob, 70);
        assertThatThrownBy(() -> SshSignature.parse(armored))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining(message);
    }

    private static RSAPrivateCrtKeyParameters rsaPrivate(SshPrivateKey key) {
        return (RSAPrivateCrtKeyParameters) key.privateParameters();
    }
}
