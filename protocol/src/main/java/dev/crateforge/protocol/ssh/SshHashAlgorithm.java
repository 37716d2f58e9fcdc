package dev.crateforge.protocol.ssh;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;

/**
 * The message hash of an SSHSIG signature. PROTOCOL.sshsig allows exactly sha256 and sha512; sha512
 * is ssh-keygen's default and ours.
 */
public enum SshHashAlgorithm {
    SHA256("sha256"),
    SHA512("sha512");

    private final String wireName;

    SshHashAlgorithm(String wireName) {
        this.wireName = wireName;
    }

    /** The name as it appears in the signature blob ({@code sha256} or {@code sha512}). */
    public String wireName() {
        return wireName;
    }

    /**
     * Maps a wire name to the algorithm.
     *
     * @throws SshFormatException for any other name, e.g. {@code sha1}
     */
    public static SshHashAlgorithm fromWireName(String name) throws SshFormatException {
        for (SshHashAlgorithm h : values()) {
            if (h.wireName.equals(name)) {
                return h;
            }
        }
        throw new SshFormatException(
                "unsupported hash algorithm "
                        + SshFormatException.describe(name)
                        + " (only sha256 and sha512 are allowed)");
    }

    /** Hashes the whole message. BouncyCastle digests avoid a JCA provider lookup per call. */
    byte[] hash(byte[] message) {
        Digest d = this == SHA256 ? new SHA256Digest() : new SHA512Digest();
        d.update(message, 0, message.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }
}
