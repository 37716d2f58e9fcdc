package dev.crateforge.protocol.ssh;

import java.util.Base64;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;

/**
 * An OpenSSH SSHSIG signature ({@code ssh-keygen -Y sign}), as specified in OpenSSH's
 * PROTOCOL.sshsig.
 *
 * <p>{@link #parse} checks everything that can be checked without the message: magic, version 1, a
 * supported embedded key, a non-empty namespace, a sha256/sha512 hash, a signature algorithm that
 * fits the key type (never SHA-1 {@code ssh-rsa}), the structure of the signature value, and that
 * nothing trails the blob. Malformed input is a {@link SshFormatException}.
 *
 * <p>{@link #verify} answers the question a server asks: was {@code message} signed for {@code
 * namespace} by the registered {@code key}? Any mismatch is {@code false}, never an exception.
 * Instances are immutable and thread-safe; {@link #toString()} shows no signature bytes.
 */
public final class SshSignature {
    private static final String LABEL = "SSH SIGNATURE";
    private static final int LINE_WIDTH = 70;
    private static final int VERSION = 1;
    private static final int MAX_BLOB = 32 * 1024;
    private static final int MAX_TEXT = 64 * 1024;
    private static final int MAX_NAMESPACE = 1024;
    private static final int MAX_RESERVED = 1024;

    private final byte[] blob;
    private final SshPublicKey publicKey;
    private final String namespace;
    private final SshHashAlgorithm hashAlgorithm;
    private final SshSignatureAlgorithm algorithm;
    private final Object decodedSignature;

    private SshSignature(
            byte[] blob,
            SshPublicKey publicKey,
            String namespace,
            SshHashAlgorithm hashAlgorithm,
            SshSignatureAlgorithm algorithm,
            Object decodedSignature) {
        this.blob = blob;
        this.publicKey = publicKey;
        this.namespace = namespace;
        this.hashAlgorithm = hashAlgorithm;
        this.algorithm = algorithm;
        this.decodedSignature = decodedSignature;
    }

    /**
     * Parses the armored form ({@code -----BEGIN SSH SIGNATURE-----}, as written by ssh-keygen) or
     * the bare base64 of the blob.
     *
     * @throws SshFormatException if the text or the blob is malformed or refused
     */
    public static SshSignature parse(String armoredOrBase64) throws SshFormatException {
        if (armoredOrBase64 == null) {
            throw new SshFormatException("signature is missing");
        }
        if (armoredOrBase64.length() > MAX_TEXT) {
            throw new SshFormatException("signature is too long");
        }
        byte[] blob =
                armoredOrBase64.strip().startsWith("-----")
                        ? Armor.decode(armoredOrBase64, LABEL, MAX_TEXT)
                        : Armor.base64(armoredOrBase64, "signature");
        return fromBlob(blob);
    }

    /**
     * Parses the binary SSHSIG blob.
     *
     * @throws SshFormatException if the blob is malformed or refused
     */
    public static SshSignature fromBlob(byte[] sshsigBlob) throws SshFormatException {
        if (sshsigBlob == null) {
            throw new SshFormatException("signature blob is missing");
        }
        if (sshsigBlob.length > MAX_BLOB) {
            throw new SshFormatException("signature blob is too long: " + sshsigBlob.length);
        }
        byte[] blob = sshsigBlob.clone();
        SshWireReader r = new SshWireReader(blob);
        byte[] magic = r.readRaw(SignedData.MAGIC.length, "magic");
        if (!java.util.Arrays.equals(magic, SignedData.MAGIC)) {
            throw new SshFormatException("not an SSHSIG signature: bad magic");
        }
        long version = r.readUint32("version");
        if (version != VERSION) {
            throw new SshFormatException("unsupported SSHSIG version " + version);
        }
        SshPublicKey key =
                SshPublicKey.fromBlob(r.readString("public key", PublicKeyCodec.MAX_BLOB), "");
        String namespace = r.readUtf8("namespace", MAX_NAMESPACE);
        if (namespace.isEmpty()) {
            throw new SshFormatException("namespace is empty");
        }
        // PROTOCOL.sshsig: implementations ignore the reserved field (it is not signed as is).
        r.readString("reserved", MAX_RESERVED);
        SshHashAlgorithm hash = SshHashAlgorithm.fromWireName(r.readName("hash algorithm", 64));
        byte[] sigField = r.readString("signature", MAX_BLOB);
        r.requireEnd("the signature");

        SshWireReader s = new SshWireReader(sigField);
        SshSignatureAlgorithm alg =
                SshSignatureAlgorithm.forName(s.readName("signature algorithm", 64), key.type());
        Object decoded = alg.decode(s.readString("signature value", MAX_BLOB));
        s.requireEnd("the signature value");
        return new SshSignature(blob, key, namespace, hash, alg, decoded);
    }

    /** Made by {@link SshPrivateKey#sign}. */
    static SshSignature create(
            SshPublicKey key,
            String namespace,
            SshHashAlgorithm hash,
            SshSignatureAlgorithm alg,
            byte[] signatureValue) {
        byte[] sigField =
                new SshWireWriter().string(alg.wireName()).string(signatureValue).toByteArray();
        byte[] blob =
                new SshWireWriter()
                        .raw(SignedData.MAGIC)
                        .uint32(VERSION)
                        .string(key.blob())
                        .string(namespace)
                        .string(new byte[0])
                        .string(hash.wireName())
                        .string(sigField)
                        .toByteArray();
        try {
            return fromBlob(blob);
        } catch (SshFormatException e) {
            throw new IllegalStateException("freshly made signature does not parse", e);
        }
    }

    /**
     * Verifies that {@code message} was signed by {@code key} for {@code namespace}.
     *
     * @return {@code false} when the key is not the embedded signer key, the namespace differs
     *     (exact match; a null or empty expected namespace never matches), or the signature does
     *     not match the message
     */
    public boolean verify(SshPublicKey key, String namespace, byte[] message) {
        if (key == null || namespace == null || namespace.isEmpty() || message == null) {
            return false;
        }
        // Cheap checks first: a wrong key or namespace costs no curve arithmetic.
        if (!key.sameBlob(publicKey) || !this.namespace.equals(namespace)) {
            return false;
        }
        // The registered key's parameters: decoded once per SshPublicKey, not per signature.
        AsymmetricKeyParameter params = key.parametersOrNull();
        if (params == null) {
            return false;
        }
        byte[] signed = SignedData.of(namespace, hashAlgorithm, hashAlgorithm.hash(message));
        try {
            return algorithm.verify(params, signed, decodedSignature);
        } catch (RuntimeException e) {
            // A value the provider cannot even process is a signature that does not verify.
            return false;
        }
    }

    /** The signer's key embedded in the signature. Look it up, but verify against your own copy. */
    public SshPublicKey publicKey() {
        return publicKey;
    }

    /** The namespace the signer chose, e.g. {@code file} or {@code git}. */
    public String namespace() {
        return namespace;
    }

    public SshHashAlgorithm hashAlgorithm() {
        return hashAlgorithm;
    }

    /** The SSH signature algorithm, e.g. {@code ssh-ed25519} or {@code rsa-sha2-512}. */
    public String signatureAlgorithm() {
        return algorithm.wireName();
    }

    /** The binary SSHSIG blob (a copy). */
    public byte[] blob() {
        return blob.clone();
    }

    /** The armored text exactly as ssh-keygen writes it (70-column lines, final newline). */
    public String armored() {
        return Armor.encode(LABEL, blob, LINE_WIDTH);
    }

    /** The bare base64 of the blob, for single-line transports. */
    public String base64() {
        return Base64.getEncoder().encodeToString(blob);
    }

    @Override
    public String toString() {
        return "SshSignature["
                + algorithm.wireName()
                + " by "
                + publicKey.fingerprint()
                + ", namespace "
                + SshFormatException.describe(namespace)
                + ", "
                + hashAlgorithm.wireName()
                + "]";
    }
}
