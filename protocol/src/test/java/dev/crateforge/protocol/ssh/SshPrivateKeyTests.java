package dev.crateforge.protocol.ssh;

import static dev.crateforge.protocol.ssh.SshFixtures.NAMESPACE;
import static dev.crateforge.protocol.ssh.SshFixtures.message;
import static dev.crateforge.protocol.ssh.SshFixtures.privateKey;
import static dev.crateforge.protocol.ssh.SshFixtures.publicKey;
import static dev.crateforge.protocol.ssh.SshFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class SshPrivateKeyTests {

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void publicHalfMatchesPubFile(String name) throws Exception {
        SshPrivateKey key = privateKey(name);
        assertThat(key.publicKey()).isEqualTo(publicKey(name));
        assertThat(key.publicKey().comment()).isEqualTo(name + "@crateforge.test");
    }

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void signatureVerifiesWithBothHashes(String name) throws Exception {
        SshPrivateKey key = privateKey(name);
        for (SshHashAlgorithm hash : SshHashAlgorithm.values()) {
            SshSignature sig = key.sign("file", message(), hash);
            assertThat(sig.hashAlgorithm()).isEqualTo(hash);
            SshSignature reparsed = SshSignature.parse(sig.armored());
            assertThat(reparsed.verify(publicKey(name), "file", message())).isTrue();
            assertThat(reparsed.verify(publicKey(name), NAMESPACE, message())).isFalse();
        }
    }

    @Test
    void ed25519SignatureIsByteIdenticalToSshKeygen() throws Exception {
        // Ed25519 is deterministic, so our signer must reproduce ssh-keygen's output exactly.
        SshPrivateKey key = privateKey("ed25519");
        assertThat(key.sign(NAMESPACE, message()).armored()).isEqualTo(text("ed25519.sha512.sig"));
        assertThat(key.sign(NAMESPACE, message(), SshHashAlgorithm.SHA256).armored())
                .isEqualTo(text("ed25519.sha256.sig"));
    }

    @Test
    void ecdsaSignatureIsDeterministic() throws Exception {
        SshPrivateKey key = privateKey("ecdsa521");
        assertThat(key.sign("ns", message()).blob()).isEqualTo(key.sign("ns", message()).blob());
    }

    @Test
    void ecdsaSignaturesVerifyWhetherOrNotRNeedsALeadingZero() throws Exception {
        SshPrivateKey key = privateKey("ecdsa384");
        java.util.Set<Integer> rLengths = new java.util.HashSet<>();
        for (int i = 0; i < 32; i++) {
            byte[] msg = {(byte) i};
            SshSignature sig = key.sign("ns", msg);
            rLengths.add(
                    new SshWireReader(SshSigCrafter.from(sig).signature)
                            .readString("r", 64)
                            .length);
            assertThat(SshSignature.parse(sig.base64()).verify(key.publicKey(), "ns", msg))
                    .isTrue();
        }
        assertThat(rLengths).contains(48, 49);
    }

    @Test
    void rejectsNamespaceThatCannotRoundTrip() throws Exception {
        SshPrivateKey key = privateKey("ed25519");
        assertThatThrownBy(() -> key.sign("bad\ud800", message()))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("namespace must be valid text");
        assertThatThrownBy(() -> key.sign("a\0b", message()))
                .isInstanceOf(SshFormatException.class);
        assertThatThrownBy(() -> key.sign("x".repeat(1025), message()))
                .isInstanceOf(SshFormatException.class);
        assertThat(key.sign("ünïcödé", message()).namespace()).isEqualTo("ünïcödé");
    }

    @Test
    void rejectsEncryptedKey() {
        assertThatThrownBy(() -> SshPrivateKey.parse(text("encrypted-ed25519")))
                .isInstanceOf(SshFormatException.class)
                .hasMessage("encrypted private keys are not supported; decrypt with ssh-keygen -p");
    }

    @Test
    void rejectsDsaKey() {
        assertThatThrownBy(() -> SshPrivateKey.parse(text("dsa")))
                .isInstanceOf(SshFormatException.class)
                .hasMessageStartingWith("unsupported key type ssh-dss");
    }

    @Test
    void rejectsRsa1024Key() {
        assertThatThrownBy(() -> SshPrivateKey.parse(text("rsa1024")))
                .isInstanceOf(SshFormatException.class)
                .hasMessage("RSA key too small: 1024 bits, at least 2048 required");
    }

    @Test
    void rejectsPublicKeyGivenAsPrivateKey() {
        assertThatThrownBy(() -> SshPrivateKey.parse(text("ed25519.pub")))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThatThrownBy(() -> SshPrivateKey.parse(null)).isInstanceOf(SshFormatException.class);
    }

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void rejectsEveryTruncation(String name) throws Exception {
        byte[] data = decode(text(name));
        // Every prefix, stepping to keep RSA-4096 quick; the structure ends are all covered.
        for (int n = 0; n < data.length; n += name.startsWith("rsa") ? 7 : 1) {
            String cut = armor(java.util.Arrays.copyOf(data, n));
            assertThatThrownBy(() -> SshPrivateKey.parse(cut))
                    .as("cut to %d bytes", n)
                    .isInstanceOf(SshFormatException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void everyFlippedByteIsRejectedOrHarmless(String name) throws Exception {
        // Flipping any single bit either breaks parsing (checked exception) or lands in the
        // comment or check ints; either way nothing else escapes and a parsed key still works.
        byte[] data = decode(text(name));
        for (int i = 0; i < data.length; i += name.startsWith("rsa") ? 13 : 1) {
            byte[] flipped = data.clone();
            flipped[i] ^= 0x01;
            try {
                SshPrivateKey k = SshPrivateKey.parse(armor(flipped));
                assertThat(k.sign("ns", message()).verify(k.publicKey(), "ns", message())).isTrue();
            } catch (SshFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void rejectsMismatchedCheckInts() throws Exception {
        byte[] data = decode(text("ed25519"));
        int checkInt = indexOfPrivateSection(data);
        data[checkInt] ^= 1;
        assertThatThrownBy(() -> SshPrivateKey.parse(armor(data)))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("check ints differ");
    }

    @Test
    void rejectsPrivateHalfOfAnotherKey() throws Exception {
        // Public header of one key, private section of another.
        byte[] a = decode(text("ed25519"));
        byte[] b = decode(text("ca-ed25519"));
        int sa = indexOfPrivateSection(a);
        int sb = indexOfPrivateSection(b);
        byte[] mixed = new byte[sa + (b.length - sb)];
        System.arraycopy(a, 0, mixed, 0, sa);
        System.arraycopy(b, sb, mixed, sa, b.length - sb);
        // Fix the section length prefix to the new section's.
        System.arraycopy(b, sb - 4, mixed, sa - 4, 4);
        assertThatThrownBy(() -> SshPrivateKey.parse(armor(mixed)))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("different key");
    }

    @ParameterizedTest
    @EnumSource(SshHashAlgorithm.class)
    void rejectsEmptyNamespaceWhenSigning(SshHashAlgorithm hash) throws Exception {
        SshPrivateKey key = privateKey("ed25519");
        assertThatThrownBy(() -> key.sign("", message(), hash))
                .isInstanceOf(SshFormatException.class)
                .hasMessage("namespace must not be empty");
        assertThatThrownBy(() -> key.sign(null, message(), hash))
                .isInstanceOf(SshFormatException.class);
    }

    @Test
    void toStringNeverShowsKeyMaterial() throws Exception {
        SshPrivateKey key = privateKey("ed25519");
        String body = decodeBody(text("ed25519"));
        assertThat(key.toString())
                .startsWith("SshPrivateKey[ssh-ed25519 SHA256:")
                .doesNotContain(body.substring(200, 220));
    }

    private static byte[] decode(String pem) {
        return Base64.getDecoder().decode(decodeBody(pem));
    }

    private static String decodeBody(String pem) {
        return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    }

    private static String armor(byte[] data) {
        return Armor.encode("OPENSSH PRIVATE KEY", data, 70);
    }

    /**
     * Offset of the first check int: after magic, cipher, kdf, options, count, public key, length.
     */
    private static int indexOfPrivateSection(byte[] data) throws SshFormatException {
        SshWireReader r = new SshWireReader(data);
        r.readRaw(15, "magic");
        r.readString("cipher", 100);
        r.readString("kdf", 100);
        r.readString("options", 100);
        r.readUint32("n");
        r.readString("public", 100000);
        r.readUint32("section length");
        return data.length - r.remaining();
    }

    @Test
    void generatesEd25519KeysThatRoundTripThroughTheirOpenSshText() throws Exception {
        SshPrivateKey key = SshPrivateKey.generateEd25519();

        SshPrivateKey reread = SshPrivateKey.parse(key.toOpenSsh());

        assertThat(key.type()).isEqualTo(SshKeyType.ED25519);
        assertThat(key.toOpenSsh()).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n");
        assertThat(reread.publicKey()).isEqualTo(key.publicKey());
        byte[] message = "statement".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(key.sign("ns", message).verify(reread.publicKey(), "ns", message)).isTrue();
        assertThat(SshPrivateKey.generateEd25519().publicKey()).isNotEqualTo(key.publicKey());
    }
}
