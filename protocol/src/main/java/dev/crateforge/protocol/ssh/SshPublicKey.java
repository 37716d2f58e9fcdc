package dev.crateforge.protocol.ssh;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;

/**
 * An SSH public key of a supported type (see {@link SshKeyType}), identified by its wire blob.
 *
 * <p>Two keys are equal when their blobs are equal; the comment of an {@code authorized_keys}-style
 * line is kept for display ({@link #comment()}) but is not part of the identity, and {@link
 * #openSshLine()} leaves it out so the stored form of a key is canonical.
 *
 * <p>Instances are immutable and thread-safe. The crypto parameters are decoded once per instance
 * and cached, because verifying against a registered key is the gateway's hot path. {@link
 * #toString()} shows type and fingerprint only.
 */
public final class SshPublicKey {
    /** Bound on an input line; a 16 KiB blob is under 22 KiB of base64. */
    private static final int MAX_LINE = 24 * 1024;

    private static final int MAX_COMMENT = 1024;

    private final PublicKeyCodec.Fields fields;
    private final byte[] blob;
    private final String comment;
    private volatile String fingerprint;
    // Decoded lazily for keys taken from a signature, eagerly for keys from parse().
    private volatile AsymmetricKeyParameter parameters;
    private volatile boolean invalid;

    private SshPublicKey(PublicKeyCodec.Fields fields, byte[] blob, String comment) {
        this.fields = fields;
        this.blob = blob;
        this.comment = comment;
    }

    /**
     * Parses one line {@code type base64 [comment]} as found in {@code .pub} files. The key is
     * fully validated, including that an EC or Ed25519 point lies on its curve.
     *
     * @throws SshFormatException if the line is malformed or the key type is refused
     */
    public static SshPublicKey parse(String openSshLine) throws SshFormatException {
        if (openSshLine == null) {
            throw new SshFormatException("public key line is missing");
        }
        if (openSshLine.length() > MAX_LINE) {
            throw new SshFormatException("public key line is too long");
        }
        String line = openSshLine.strip();
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new SshFormatException("expected a single public key line");
        }
        String[] parts = line.split("[ \t]+", 3);
        if (parts.length < 2 || parts[0].isEmpty()) {
            throw new SshFormatException("expected \"<type> <base64> [comment]\"");
        }
        SshKeyType.fromWireName(parts[0]);
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new SshFormatException("public key is not valid base64");
        }
        String comment = parts.length == 3 ? parts[2].strip() : "";
        if (comment.length() > MAX_COMMENT) {
            throw new SshFormatException("public key comment is too long");
        }
        SshPublicKey key = fromBlob(blob, comment);
        if (!key.type().wireName().equals(parts[0])) {
            throw new SshFormatException(
                    "key type mismatch: line says "
                            + parts[0]
                            + " but the blob holds "
                            + key.type().wireName());
        }
        key.validate();
        return key;
    }

    /**
     * Builds a key from its wire blob and validates it fully.
     *
     * @throws SshFormatException if the blob is malformed or the key type is refused
     */
    public static SshPublicKey fromBlob(byte[] blob) throws SshFormatException {
        if (blob == null) {
            throw new SshFormatException("public key blob is missing");
        }
        SshPublicKey key = fromBlob(blob.clone(), "");
        key.validate();
        return key;
    }

    /** Structure-only parse; the point/modulus math waits until the key is used. */
    static SshPublicKey fromBlob(byte[] blob, String comment) throws SshFormatException {
        return new SshPublicKey(PublicKeyCodec.parseBlob(blob), blob, comment);
    }

    /** Built by the private key parser, which has already validated the parameters. */
    static SshPublicKey of(
            PublicKeyCodec.Fields fields, String comment, AsymmetricKeyParameter parameters) {
        SshPublicKey key = new SshPublicKey(fields, PublicKeyCodec.encode(fields), comment);
        key.parameters = parameters;
        return key;
    }

    public SshKeyType type() {
        return fields.type();
    }

    /** The wire blob (a copy); this is what fingerprints and equality are computed on. */
    public byte[] blob() {
        return blob.clone();
    }

    /** The comment of the parsed line, or {@code ""}. Never part of the key's identity. */
    public String comment() {
        return comment;
    }

    /** Modulus size for RSA, curve size for ECDSA, 256 for Ed25519 (as ssh-keygen -l shows). */
    public int bits() {
        switch (fields.type()) {
            case RSA:
                return fields.n().bitLength();
            case ECDSA_NISTP256:
                return 256;
            case ECDSA_NISTP384:
                return 384;
            case ECDSA_NISTP521:
                return 521;
            default:
                return 256;
        }
    }

    /**
     * The fingerprint exactly as {@code ssh-keygen -lf} prints it: {@code SHA256:} and the unpadded
     * base64 of the SHA-256 of the blob.
     */
    public String fingerprint() {
        String fp = fingerprint;
        if (fp == null) {
            SHA256Digest d = new SHA256Digest();
            d.update(blob, 0, blob.length);
            byte[] h = new byte[d.getDigestSize()];
            d.doFinal(h, 0);
            fp = "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(h);
            fingerprint = fp;
        }
        return fp;
    }

    /** The canonical line {@code "<type> <base64>"}, without the comment. */
    public String openSshLine() {
        return type().wireName() + " " + Base64.getEncoder().encodeToString(blob);
    }

    /** The line with the comment appended, when there is one. */
    public String openSshLineWithComment() {
        return comment.isEmpty() ? openSshLine() : openSshLine() + " " + comment;
    }

    /**
     * Constant-time blob comparison (MessageDigest.isEqual), so a verifier does not leak how much
     * of a registered key a forged signature matched.
     */
    boolean sameBlob(SshPublicKey other) {
        return MessageDigest.isEqual(blob, other.blob);
    }

    /**
     * The decoded parameters, or {@code null} when this key's point or modulus is invalid (only
     * possible for a key taken from a signature, which is validated lazily).
     */
    AsymmetricKeyParameter parametersOrNull() {
        AsymmetricKeyParameter p = parameters;
        if (p == null && !invalid) {
            try {
                validate();
                p = parameters;
            } catch (SshFormatException e) {
                invalid = true;
            }
        }
        return p;
    }

    private void validate() throws SshFormatException {
        if (parameters == null) {
            parameters = PublicKeyCodec.toParameters(fields);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SshPublicKey && Arrays.equals(blob, ((SshPublicKey) o).blob);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(blob);
    }

    /** Type and fingerprint; public keys are not logged in full (DESIGN.md, "Security rules"). */
    @Override
    public String toString() {
        return "SshPublicKey[" + type().wireName() + " " + fingerprint() + "]";
    }
}
