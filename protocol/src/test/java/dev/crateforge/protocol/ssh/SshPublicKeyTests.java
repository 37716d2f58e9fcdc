package dev.crateforge.protocol.ssh;

import static dev.crateforge.protocol.ssh.SshFixtures.KEYS;
import static dev.crateforge.protocol.ssh.SshFixtures.fingerprintOf;
import static dev.crateforge.protocol.ssh.SshFixtures.publicKey;
import static dev.crateforge.protocol.ssh.SshFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SshPublicKeyTests {

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void fingerprintMatchesSshKeygen(String name) throws Exception {
        assertThat(publicKey(name).fingerprint()).isEqualTo(fingerprintOf(text(name + ".fp")));
    }

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void bitsMatchSshKeygen(String name) throws Exception {
        String bits = text(name + ".fp").split(" ")[0];
        assertThat(publicKey(name).bits()).isEqualTo(Integer.parseInt(bits));
    }

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void openSshLineIsTypeAndBase64WithoutComment(String name) throws Exception {
        String[] fields = text(name + ".pub").trim().split(" ");
        SshPublicKey key = publicKey(name);
        assertThat(key.openSshLine()).isEqualTo(fields[0] + " " + fields[1]);
        assertThat(key.comment()).isEqualTo(name + "@crateforge.test");
        assertThat(key.openSshLineWithComment()).isEqualTo(text(name + ".pub").trim());
        assertThat(key.type().wireName()).isEqualTo(fields[0]);
        assertThat(SshPublicKey.parse(key.openSshLine())).isEqualTo(key);
    }

    @Test
    void equalityIsByBlobNotComment() throws Exception {
        SshPublicKey withComment = publicKey("ed25519");
        SshPublicKey bare = SshPublicKey.parse(withComment.openSshLine());
        assertThat(bare).isEqualTo(withComment).hasSameHashCodeAs(withComment);
        assertThat(bare).isNotEqualTo(publicKey("ecdsa256"));
        assertThat(SshPublicKey.fromBlob(bare.blob())).isEqualTo(bare);
    }

    @Test
    void toStringShowsFingerprintButNoKeyMaterial() throws Exception {
        SshPublicKey key = publicKey("rsa2048");
        String base64 = key.openSshLine().split(" ")[1];
        assertThat(key.toString())
                .contains("ssh-rsa", key.fingerprint())
                .doesNotContain(base64.substring(20, 40));
    }

    @Test
    void blobIsDefensivelyCopied() throws Exception {
        SshPublicKey key = publicKey("ed25519");
        byte[] blob = key.blob();
        blob[blob.length - 1] ^= 1;
        assertThat(key.blob()).isNotEqualTo(blob);
    }

    @Test
    void toleratesCrLfAndTabs() throws Exception {
        String[] f = text("ed25519.pub").trim().split(" ");
        assertThat(SshPublicKey.parse(f[0] + "\t" + f[1] + "\r\n")).isEqualTo(publicKey("ed25519"));
    }

    @Test
    void rejectsDsaKey() {
        assertThatThrownBy(() -> SshPublicKey.parse(text("dsa.pub")))
                .isInstanceOf(SshFormatException.class)
                .hasMessageStartingWith("unsupported key type ssh-dss");
    }

    @Test
    void rejectsRsaKeyBelow2048Bits() {
        assertThatThrownBy(() -> SshPublicKey.parse(text("rsa1024.pub")))
                .isInstanceOf(SshFormatException.class)
                .hasMessage("RSA key too small: 1024 bits, at least 2048 required");
    }

    @Test
    void rejectsCertificate() {
        assertThatThrownBy(() -> SshPublicKey.parse(text("certified-ed25519-cert.pub")))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("ssh-ed25519-cert-v01@openssh.com")
                .hasMessageContaining("certificates are refused");
    }

    @Test
    void rejectsSecurityKey() {
        byte[] blob =
                new SshWireWriter()
                        .string("sk-ssh-ed25519@openssh.com")
                        .string(new byte[32])
                        .string("ssh:")
                        .toByteArray();
        String line = "sk-ssh-ed25519@openssh.com " + Base64.getEncoder().encodeToString(blob);
        assertThatThrownBy(() -> SshPublicKey.parse(line))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("security-key (sk-*) keys are refused");
        assertThatThrownBy(() -> SshPublicKey.fromBlob(blob))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("sk-ssh-ed25519@openssh.com");
    }

    @Test
    void rejectsLineWhoseTypeDiffersFromBlob() throws Exception {
        String b64 = publicKey("ed25519").openSshLine().split(" ")[1];
        assertThatThrownBy(() -> SshPublicKey.parse("ssh-rsa " + b64))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("key type mismatch");
    }

    @Test
    void rejectsBadBase64AndMissingFields() {
        assertThatThrownBy(() -> SshPublicKey.parse("ssh-ed25519 !!!notbase64"))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("base64");
        assertThatThrownBy(() -> SshPublicKey.parse("ssh-ed25519"))
                .isInstanceOf(SshFormatException.class);
        assertThatThrownBy(() -> SshPublicKey.parse("")).isInstanceOf(SshFormatException.class);
        assertThatThrownBy(() -> SshPublicKey.parse(null)).isInstanceOf(SshFormatException.class);
        assertThatThrownBy(() -> SshPublicKey.fromBlob(null))
                .isInstanceOf(SshFormatException.class);
    }

    @Test
    void rejectsTrailingGarbageInBlob() throws Exception {
        byte[] blob = publicKey("ed25519").blob();
        byte[] longer = Arrays.copyOf(blob, blob.length + 1);
        assertThatThrownBy(() -> SshPublicKey.fromBlob(longer))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("trailing garbage");
    }

    @Test
    void rejectsEveryTruncationOfBlob() throws Exception {
        for (String name : KEYS) {
            byte[] blob = publicKey(name).blob();
            for (int n = 0; n < blob.length; n++) {
                byte[] cut = Arrays.copyOf(blob, n);
                assertThatThrownBy(() -> SshPublicKey.fromBlob(cut))
                        .as("%s cut to %d bytes", name, n)
                        .isInstanceOf(SshFormatException.class);
            }
        }
    }

    @Test
    void rejectsHugeLengthField() {
        byte[] blob = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 's', 's', 'h'};
        assertThatThrownBy(() -> SshPublicKey.fromBlob(blob))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("too long");
        byte[] exceeding =
                new SshWireWriter().uint32(40).raw("ssh-ed25519".getBytes()).toByteArray();
        assertThatThrownBy(() -> SshPublicKey.fromBlob(exceeding))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("exceeds");
    }

    @Test
    void rejectsNonCanonicalRsaMpint() throws Exception {
        SshPublicKey key = publicKey("rsa2048");
        SshWireReader r = new SshWireReader(key.blob());
        r.readName("type", 64);
        BigInteger e = r.readMpint("e", 4096);
        BigInteger n = r.readMpint("n", 4096);
        byte[] padded = new byte[n.toByteArray().length + 1];
        System.arraycopy(n.toByteArray(), 0, padded, 1, padded.length - 1);
        byte[] blob = new SshWireWriter().string("ssh-rsa").mpint(e).string(padded).toByteArray();
        assertThatThrownBy(() -> SshPublicKey.fromBlob(blob))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("not canonically encoded");
    }

    @Test
    void rejectsEcPointOffTheCurve() throws Exception {
        byte[] blob = publicKey("ecdsa256").blob();
        blob[blob.length - 1] ^= 1;
        assertThatThrownBy(() -> SshPublicKey.fromBlob(blob))
                .isInstanceOf(SshFormatException.class)
                .hasMessage("invalid ecdsa-sha2-nistp256 public key");
    }

    @Test
    void rejectsCurveNameThatDoesNotMatchType() throws Exception {
        SshWireReader r = new SshWireReader(publicKey("ecdsa256").blob());
        r.readName("type", 64);
        r.readName("curve", 64);
        byte[] q = r.readString("q", 1000);
        byte[] blob =
                new SshWireWriter()
                        .string("ecdsa-sha2-nistp256")
                        .string("nistp384")
                        .string(q)
                        .toByteArray();
        assertThatThrownBy(() -> SshPublicKey.fromBlob(blob))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("does not match key type");
    }

    @Test
    void rejectsUnknownTypeWithSanitizedName() {
        byte[] blob = new SshWireWriter().string("evil\u0001type").toByteArray();
        assertThatThrownBy(() -> SshPublicKey.parse("x-evil\u001b[31m AAAA"))
                .isInstanceOf(SshFormatException.class)
                .hasMessageStartingWith("unsupported key type x-evil?[31m");
        assertThatThrownBy(() -> SshPublicKey.fromBlob(blob))
                .isInstanceOf(SshFormatException.class)
                .hasMessageContaining("non-printable");
    }
}
