package dev.crateforge.protocol.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.util.OpenSSHPrivateKeyUtil;

/**
 * An unencrypted OpenSSH private key ({@code -----BEGIN OPENSSH PRIVATE KEY-----}) that can make
 * SSHSIG signatures compatible with {@code ssh-keygen -Y verify}.
 *
 * <p>Builders and tests sign with it; servers never need it. Encrypted keys are refused rather than
 * prompting for a passphrase: a key used by an unattended process is protected by file permissions
 * or a secret store, not by a passphrase typed at startup. {@link #toString()} shows the type and
 * fingerprint only, never key material.
 */
public final class SshPrivateKey {
    private static final String LABEL = "OPENSSH PRIVATE KEY";
    private static final int MAX_TEXT = 64 * 1024;
    private static final int MAX_NAMESPACE = 1024;

    private final SshPublicKey publicKey;
    private final AsymmetricKeyParameter privateKey;
    private final String openSshText;

    private SshPrivateKey(
            SshPublicKey publicKey, AsymmetricKeyParameter privateKey, String openSshText) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        this.openSshText = openSshText;
    }

    /**
     * A new Ed25519 key from {@link SecureRandom}, for a builder that has none yet and a machine
     * that may have no {@code ssh-keygen}.
     */
    public static SshPrivateKey generateEd25519() {
        Ed25519KeyPairGenerator generator = new Ed25519KeyPairGenerator();
        generator.init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        try {
            byte[] blob =
                    OpenSSHPrivateKeyUtil.encodePrivateKey(
                            generator.generateKeyPair().getPrivate());
            return parse(Armor.encode(LABEL, blob, 70));
        } catch (IOException | SshFormatException e) {
            throw new IllegalStateException("cannot encode a freshly generated key", e);
        }
    }

    /**
     * Parses an unencrypted key as written by {@code ssh-keygen}.
     *
     * @throws SshFormatException if the key is malformed, encrypted, of a refused type, or its
     *     private and public halves disagree
     */
    public static SshPrivateKey parse(String openSshPrivateKeyPem) throws SshFormatException {
        byte[] data = Armor.decode(openSshPrivateKeyPem, LABEL, MAX_TEXT);
        try {
            PrivateKeyCodec.Parsed p = PrivateKeyCodec.parse(data);
            return new SshPrivateKey(p.publicKey(), p.privateKey(), openSshPrivateKeyPem);
        } catch (RuntimeException e) {
            // Defence in depth: the codec checks ranges first, but a provider surprise must still
            // surface as the one documented exception.
            throw new SshFormatException("invalid private key", e);
        }
    }

    /**
     * The key as an unencrypted OpenSSH private key file, exactly the text it was read from. A
     * secret: write it to a file only the builder can read.
     */
    public String toOpenSsh() {
        return openSshText;
    }

    /** The public half, carrying the key file's comment. */
    public SshPublicKey publicKey() {
        return publicKey;
    }

    public SshKeyType type() {
        return publicKey.type();
    }

    /**
     * Signs like {@code ssh-keygen -Y sign -n namespace}: sha512 message hash, and rsa-sha2-512 for
     * RSA keys.
     *
     * @throws SshFormatException if the namespace is empty, too long or contains NUL, or the
     *     message is null
     */
    public SshSignature sign(String namespace, byte[] message) throws SshFormatException {
        return sign(namespace, message, SshHashAlgorithm.SHA512);
    }

    /**
     * Signs with the given message hash ({@code ssh-keygen -O hashalg=sha256}).
     *
     * @throws SshFormatException as {@link #sign(String, byte[])}
     */
    public SshSignature sign(String namespace, byte[] message, SshHashAlgorithm hash)
            throws SshFormatException {
        if (namespace == null || namespace.isEmpty()) {
            throw new SshFormatException("namespace must not be empty");
        }
        byte[] utf8 = namespace.getBytes(StandardCharsets.UTF_8);
        // The verifier compares decoded UTF-8, so the namespace must survive the round trip
        // (no lone surrogates) and obey the same limits SshSignature.parse enforces.
        if (utf8.length > MAX_NAMESPACE
                || namespace.indexOf('\0') >= 0
                || !new String(utf8, StandardCharsets.UTF_8).equals(namespace)) {
            throw new SshFormatException(
                    "namespace must be valid text without NUL, at most "
                            + MAX_NAMESPACE
                            + " bytes");
        }
        if (message == null || hash == null) {
            throw new SshFormatException("message and hash algorithm are required");
        }
        SshSignatureAlgorithm alg = SshSignatureAlgorithm.defaultFor(type());
        byte[] signed = SignedData.of(namespace, hash, hash.hash(message));
        return SshSignature.create(publicKey, namespace, hash, alg, alg.sign(privateKey, signed));
    }

    /** For tests that forge signatures with deliberately bad algorithms. */
    AsymmetricKeyParameter privateParameters() {
        return privateKey;
    }

    @Override
    public String toString() {
        return "SshPrivateKey[" + type().wireName() + " " + publicKey.fingerprint() + "]";
    }
}
