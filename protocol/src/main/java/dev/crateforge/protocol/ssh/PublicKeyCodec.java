package dev.crateforge.protocol.ssh;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;

/**
 * Reads and writes OpenSSH public key blobs (RFC 4253 section 6.6, RFC 5656 section 3.1, RFC 8709)
 * and turns them into BouncyCastle parameters.
 *
 * <p>Parsing is in two steps on purpose: {@link #parseBlob} checks structure only (cheap: lengths,
 * names, sizes, canonical encoding), {@link #toParameters} does the curve arithmetic of point
 * decoding. A signature carries its signer's key, and the verifier only compares that blob with the
 * registered key, so it never needs the second step for it.
 */
final class PublicKeyCodec {
    /** Upper bound of any key blob; a 16384-bit RSA key is about 2 KiB. */
    static final int MAX_BLOB = 16 * 1024;

    static final int ED25519_KEY_BYTES = 32;
    private static final int MAX_RSA_BYTES = SshKeyType.MAX_RSA_BITS / 8 + 1;

    /**
     * The decoded fields of a key: {@code point} for Ed25519/ECDSA, {@code e} and {@code n} for
     * RSA.
     */
    record Fields(SshKeyType type, byte[] point, BigInteger e, BigInteger n) {}

    private PublicKeyCodec() {}

    /** Parses a complete blob, refusing trailing bytes and non-canonical encodings. */
    static Fields parseBlob(byte[] blob) throws SshFormatException {
        if (blob.length > MAX_BLOB) {
            throw new SshFormatException("public key blob is too long: " + blob.length + " bytes");
        }
        SshWireReader r = new SshWireReader(blob);
        SshKeyType type = SshKeyType.fromWireName(r.readName("key type", 64));
        Fields f;
        switch (type) {
            case ED25519:
                f = new Fields(type, readEd25519(r, "ed25519 public key"), null, null);
                break;
            case RSA:
                BigInteger e = r.readMpint("RSA public exponent", MAX_RSA_BYTES);
                BigInteger n = r.readMpint("RSA modulus", MAX_RSA_BYTES);
                checkRsa(n, e);
                f = new Fields(type, null, e, n);
                break;
            default:
                f = new Fields(type, readEcPoint(r, type), null, null);
        }
        r.requireEnd("the public key");
        // Equality and fingerprints are defined on the blob, so one key must have one blob: a
        // padded mpint would otherwise give the same key a second identity.
        if (!Arrays.equals(encode(f), blob)) {
            throw new SshFormatException("public key blob is not canonically encoded");
        }
        return f;
    }

    static byte[] encode(Fields f) {
        SshWireWriter w = new SshWireWriter().string(f.type().wireName());
        switch (f.type()) {
            case ED25519:
                return w.string(f.point()).toByteArray();
            case RSA:
                return w.mpint(f.e()).mpint(f.n()).toByteArray();
            default:
                return w.string(f.type().curveName()).string(f.point()).toByteArray();
        }
    }

    /** Decodes the key for the crypto provider: point decompression and curve membership. */
    static AsymmetricKeyParameter toParameters(Fields f) throws SshFormatException {
        try {
            switch (f.type()) {
                case ED25519:
                    return new Ed25519PublicKeyParameters(f.point(), 0);
                case RSA:
                    return new RSAKeyParameters(false, f.n(), f.e());
                default:
                    ECDomainParameters domain = EcCurves.domain(f.type());
                    return new ECPublicKeyParameters(
                            domain.getCurve().decodePoint(f.point()), domain);
            }
        } catch (RuntimeException e) {
            // BouncyCastle signals an off-curve point or a bad modulus with runtime exceptions.
            throw new SshFormatException("invalid " + f.type().wireName() + " public key", e);
        }
    }

    static byte[] readEd25519(SshWireReader r, String field) throws SshFormatException {
        byte[] pk = r.readString(field, ED25519_KEY_BYTES);
        if (pk.length != ED25519_KEY_BYTES) {
            throw new SshFormatException(
                    field + " must be " + ED25519_KEY_BYTES + " bytes, got " + pk.length);
        }
        return pk;
    }

    /** Reads {@code string curve, string Q} and checks both fit the key type. */
    static byte[] readEcPoint(SshWireReader r, SshKeyType type) throws SshFormatException {
        String curve = r.readName("curve name", 64);
        if (!curve.equals(type.curveName())) {
            throw new SshFormatException(
                    "curve "
                            + SshFormatException.describe(curve)
                            + " does not match key type "
                            + type.wireName());
        }
        int expected = 1 + 2 * type.fieldBytes();
        byte[] q = r.readString("EC public point", expected);
        // OpenSSH always writes the uncompressed form; accepting others would add encodings.
        if (q.length != expected || q[0] != 0x04) {
            throw new SshFormatException(
                    "EC public point must be uncompressed (" + expected + " bytes, 0x04 prefix)");
        }
        return q;
    }

    static void checkRsa(BigInteger n, BigInteger e) throws SshFormatException {
        int bits = n.bitLength();
        if (bits < SshKeyType.MIN_RSA_BITS) {
            throw new SshFormatException(
                    "RSA key too small: "
                            + bits
                            + " bits, at least "
                            + SshKeyType.MIN_RSA_BITS
                            + " required");
        }
        if (bits > SshKeyType.MAX_RSA_BITS) {
            throw new SshFormatException(
                    "RSA key too large: " + bits + " bits, at most " + SshKeyType.MAX_RSA_BITS);
        }
        if (!n.testBit(0)) {
            throw new SshFormatException("invalid RSA key: even modulus");
        }
        if (e.compareTo(BigInteger.valueOf(3)) < 0 || !e.testBit(0) || e.compareTo(n) >= 0) {
            throw new SshFormatException("invalid RSA key: bad public exponent");
        }
    }
}
