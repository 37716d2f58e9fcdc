package dev.crateforge.protocol.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Access to the committed fixtures under {@code src/test/resources/ssh/}, made with ssh-keygen
 * 9.2p1: private keys without passphrase, their {@code .pub}, {@code ssh-keygen -lf} output in
 * {@code .fp}, and {@code ssh-keygen -Y sign -n crateforge-test} signatures of {@code message.txt}.
 */
final class SshFixtures {
    static final String NAMESPACE = "crateforge-test";

    /** Every supported key fixture; each has NAME, NAME.pub, NAME.fp and NAME.sha512.sig. */
    static final List<String> KEYS =
            List.of("ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa2048", "rsa3072", "rsa4096");

    private SshFixtures() {}

    /** Argument source for parameterized tests. */
    static List<String> keys() {
        return KEYS;
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String name) {
        try (InputStream in = SshFixtures.class.getResourceAsStream("/ssh/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture ssh/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] message() {
        return bytes("message.txt");
    }

    static SshPublicKey publicKey(String name) throws SshFormatException {
        return SshPublicKey.parse(text(name + ".pub"));
    }

    static SshPrivateKey privateKey(String name) throws SshFormatException {
        return SshPrivateKey.parse(text(name));
    }

    /** The fingerprint column of an {@code ssh-keygen -lf} line. */
    static String fingerprintOf(String lfOutput) {
        return lfOutput.trim().split(" ")[1];
    }
}
