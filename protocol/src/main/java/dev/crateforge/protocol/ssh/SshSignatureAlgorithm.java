package dev.crateforge.protocol.ssh;

import java.math.BigInteger;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.RSADigestSigner;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The SSH signature algorithms (the {@code string alg, string sig} pair inside SSHSIG) and how each
 * one signs and verifies raw bytes.
 *
 * <p>Each algorithm belongs to exactly one key type; {@link #forName} enforces that pairing, which
 * is what stops e.g. an Ed25519 signature being checked against an ECDSA key. SHA-1 {@code ssh-rsa}
 * is not in the list at all.
 */
enum SshSignatureAlgorithm {
    ED25519("ssh-ed25519", SshKeyType.ED25519) {
        @Override
        Object decode(byte[] sig) throws SshFormatException {
            if (sig.length != Ed25519.SIGNATURE_SIZE) {
                throw new SshFormatException(
                        "ed25519 signature must be 64 bytes, got " + sig.length);
            }
            return sig;
        }

        @Override
        boolean verify(CipherParameters key, byte[] data, Object sig) {
            // Straight to the cached public point: Ed25519Signer would only buffer a copy first.
            return ((Ed25519PublicKeyParameters) key)
                    .verify(Ed25519.Algorithm.Ed25519, null, data, 0, data.length, (byte[]) sig, 0);
        }

        @Override
        byte[] sign(CipherParameters key, byte[] data) {
            byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
            ((Ed25519PrivateKeyParameters) key)
                    .sign(Ed25519.Algorithm.Ed25519, null, data, 0, data.length, sig, 0);
            return sig;
        }
    },
    ECDSA_NISTP256("ecdsa-sha2-nistp256", SshKeyType.ECDSA_NISTP256),
    ECDSA_NISTP384("ecdsa-sha2-nistp384", SshKeyType.ECDSA_NISTP384),
    ECDSA_NISTP521("ecdsa-sha2-nistp521", SshKeyType.ECDSA_NISTP521),
    RSA_SHA256("rsa-sha2-256", SshKeyType.RSA),
    RSA_SHA512("rsa-sha2-512", SshKeyType.RSA);

    private final String wireName;
    private final SshKeyType keyType;

    SshSignatureAlgorithm(String wireName, SshKeyType keyType) {
        this.wireName = wireName;
        this.keyType = keyType;
    }

    String wireName() {
        return wireName;
    }

    SshKeyType keyType() {
        return keyType;
    }

    /** The algorithm ssh-keygen uses for a key type: RSA signs with rsa-sha2-512. */
    static SshSignatureAlgorithm defaultFor(SshKeyType type) {
        switch (type) {
            case ED25519:
                return ED25519;
            case ECDSA_NISTP256:
                return ECDSA_NISTP256;
            case ECDSA_NISTP384:
                return ECDSA_NISTP384;
            case ECDSA_NISTP521:
                return ECDSA_NISTP521;
            default:
                return RSA_SHA512;
        }
    }

    /**
     * Resolves a signature algorithm name that must fit {@code keyType}.
     *
     * @throws SshFormatException for SHA-1 {@code ssh-rsa}, unknown names and mismatches
     */
    static SshSignatureAlgorithm forName(String name, SshKeyType keyType)
            throws SshFormatException {
        if ("ssh-rsa".equals(name)) {
            throw new SshFormatException(
                    "signature algorithm ssh-rsa (RSA with SHA-1) is refused;"
                            + " sign with rsa-sha2-256 or rsa-sha2-512");
        }
        for (SshSignatureAlgorithm a : values()) {
            if (a.wireName.equals(name)) {
                if (a.keyType != keyType) {
                    throw new SshFormatException(
                            "signature algorithm "
                                    + name
                                    + " does not fit key type "
                                    + keyType.wireName());
                }
                return a;
            }
        }
        throw new SshFormatException(
                "unsupported signature algorithm " + SshFormatException.describe(name));
    }

    /**
     * Decodes the algorithm-specific signature bytes, checking their structure.
     *
     * @return the form {@link #verify} takes
     */
    Object decode(byte[] sig) throws SshFormatException {
        if (keyType == SshKeyType.RSA) {
            // The exact length depends on the modulus, which verify() checks against the key.
            if (sig.length == 0 || sig.length > SshKeyType.MAX_RSA_BITS / 8) {
                throw new SshFormatException("RSA signature has a bad length: " + sig.length);
            }
            return sig;
        }
        // RFC 5656 section 3.1.2: mpint r, mpint s; not DER. r and s are below the group order,
        // so one coordinate length plus a possible 0x00 sign byte bounds them.
        SshWireReader r = new SshWireReader(sig);
        int max = keyType.fieldBytes() + 1;
        BigInteger[] rs = {r.readMpint("ECDSA r", max), r.readMpint("ECDSA s", max)};
        r.requireEnd("the ECDSA signature");
        return rs;
    }

    /** Verifies {@code data}; never throws, a value the math rejects is just {@code false}. */
    boolean verify(CipherParameters key, byte[] data, Object sig) {
        if (keyType == SshKeyType.RSA) {
            RSAKeyParameters rsa = (RSAKeyParameters) key;
            byte[] s = (byte[]) sig;
            int modulusBytes = (rsa.getModulus().bitLength() + 7) / 8;
            if (s.length > modulusBytes) {
                return false;
            }
            // OpenSSH left-pads a short signature to the modulus length; so do we.
            byte[] padded = new byte[modulusBytes];
            System.arraycopy(s, 0, padded, modulusBytes - s.length, s.length);
            RSADigestSigner signer = new RSADigestSigner(rsaDigest());
            signer.init(false, rsa);
            signer.update(data, 0, data.length);
            return signer.verifySignature(padded);
        }
        BigInteger[] rs = (BigInteger[]) sig;
        ECDSASigner signer = new ECDSASigner();
        signer.init(false, (ECPublicKeyParameters) key);
        // verifySignature range-checks r and s itself and returns false when out of range.
        return signer.verifySignature(ecHash(data), rs[0], rs[1]);
    }

    /** Signs {@code data}, returning the algorithm-specific signature bytes. */
    byte[] sign(CipherParameters key, byte[] data) {
        if (keyType == SshKeyType.RSA) {
            RSADigestSigner signer = new RSADigestSigner(rsaDigest());
            signer.init(true, key);
            signer.update(data, 0, data.length);
            try {
                return signer.generateSignature();
            } catch (org.bouncycastle.crypto.CryptoException e) {
                throw new IllegalStateException("RSA signing failed", e);
            }
        }
        // RFC 6979 deterministic k: no dependence on the quality of a random source.
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(EcCurves.digest(keyType)));
        signer.init(true, key);
        BigInteger[] rs = signer.generateSignature(ecHash(data));
        return new SshWireWriter().mpint(rs[0]).mpint(rs[1]).toByteArray();
    }

    private Digest rsaDigest() {
        return this == RSA_SHA256 ? new SHA256Digest() : new SHA512Digest();
    }

    private byte[] ecHash(byte[] data) {
        Digest d = EcCurves.digest(keyType);
        d.update(data, 0, data.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }
}
