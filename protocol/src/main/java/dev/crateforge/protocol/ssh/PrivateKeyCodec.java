package dev.crateforge.protocol.ssh;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;

/**
 * Reads the unencrypted {@code openssh-key-v1} private key format (OpenSSH PROTOCOL.key).
 *
 * <p>Besides bounds-checking every field it checks that the private half really belongs to the
 * public half (derived public key, {@code n = p*q}, ...): a file whose halves disagree would
 * produce signatures that fail elsewhere, long after the key was accepted.
 */
final class PrivateKeyCodec {
    private static final byte[] MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_SECTION = 64 * 1024;
    private static final int BLOCK_SIZE = 8;
    private static final int MAX_RSA_BYTES = SshKeyType.MAX_RSA_BITS / 8 + 1;

    /** A parsed key: its public half and the BouncyCastle private parameters. */
    record Parsed(SshPublicKey publicKey, AsymmetricKeyParameter privateKey) {}

    private PrivateKeyCodec() {}

    static Parsed parse(byte[] data) throws SshFormatException {
        SshWireReader r = new SshWireReader(data);
        if (r.remaining() < MAGIC.length
                || !Arrays.equals(r.readRaw(MAGIC.length, "magic"), MAGIC)) {
            throw new SshFormatException("not an openssh-key-v1 private key");
        }
        String cipher = r.readName("cipher name", 64);
        String kdf = r.readName("kdf name", 64);
        if (!cipher.equals("none") || !kdf.equals("none")) {
            throw new SshFormatException(
                    "encrypted private keys are not supported; decrypt with ssh-keygen -p");
        }
        if (r.readString("kdf options", 1024).length != 0) {
            throw new SshFormatException("unencrypted key must have empty kdf options");
        }
        long keys = r.readUint32("number of keys");
        if (keys != 1) {
            throw new SshFormatException("expected exactly one key in the file, found " + keys);
        }
        PublicKeyCodec.Fields outer =
                PublicKeyCodec.parseBlob(r.readString("public key", PublicKeyCodec.MAX_BLOB));
        byte[] section = r.readString("private section", MAX_SECTION);
        r.requireEnd("the private key");
        if (section.length % BLOCK_SIZE != 0) {
            throw new SshFormatException("private section is not padded to the block size");
        }
        return parseSection(new SshWireReader(section), outer);
    }

    private static Parsed parseSection(SshWireReader r, PublicKeyCodec.Fields outer)
            throws SshFormatException {
        if (r.readUint32("check int") != r.readUint32("check int")) {
            throw new SshFormatException("private section check ints differ (corrupt key)");
        }
        SshKeyType type = SshKeyType.fromWireName(r.readName("private key type", 64));
        if (type != outer.type()) {
            throw new SshFormatException("private and public key types differ");
        }
        PublicKeyCodec.Fields inner;
        AsymmetricKeyParameter priv;
        switch (type) {
            case ED25519:
                {
                    byte[] pk = PublicKeyCodec.readEd25519(r, "ed25519 public key");
                    byte[] sk = r.readString("ed25519 private key", 64);
                    if (sk.length != 64) {
                        throw new SshFormatException("ed25519 private key must be 64 bytes");
                    }
                    Ed25519PrivateKeyParameters k = new Ed25519PrivateKeyParameters(sk, 0);
                    // sk is seed || public key; both copies must match what the seed derives.
                    byte[] derived = k.generatePublicKey().getEncoded();
                    if (!MessageDigest.isEqual(derived, pk)
                            || !MessageDigest.isEqual(derived, Arrays.copyOfRange(sk, 32, 64))) {
                        throw new SshFormatException(
                                "ed25519 private key does not match its public key");
                    }
                    inner = new PublicKeyCodec.Fields(type, pk, null, null);
                    priv = k;
                    break;
                }
            case RSA:
                {
                    BigInteger n = r.readMpint("RSA modulus", MAX_RSA_BYTES);
                    BigInteger e = r.readMpint("RSA public exponent", MAX_RSA_BYTES);
                    BigInteger d = r.readMpint("RSA private exponent", MAX_RSA_BYTES);
                    BigInteger iqmp = r.readMpint("RSA iqmp", MAX_RSA_BYTES);
                    BigInteger p = r.readMpint("RSA p", MAX_RSA_BYTES);
                    BigInteger q = r.readMpint("RSA q", MAX_RSA_BYTES);
                    PublicKeyCodec.checkRsa(n, e);
                    inner = new PublicKeyCodec.Fields(type, null, e, n);
                    priv = rsa(n, e, d, iqmp, p, q);
                    break;
                }
            default:
                {
                    byte[] q = PublicKeyCodec.readEcPoint(r, type);
                    ECDomainParameters domain = EcCurves.domain(type);
                    BigInteger d = r.readMpint("EC private scalar", type.fieldBytes() + 1);
                    if (d.signum() <= 0 || d.compareTo(domain.getN()) >= 0) {
                        throw new SshFormatException("EC private scalar out of range");
                    }
                    byte[] derived = domain.getG().multiply(d).normalize().getEncoded(false);
                    if (!MessageDigest.isEqual(derived, q)) {
                        throw new SshFormatException(
                                "EC private key does not match its public key");
                    }
                    inner = new PublicKeyCodec.Fields(type, q, null, null);
                    priv = new ECPrivateKeyParameters(d, domain);
                }
        }
        if (!Arrays.equals(PublicKeyCodec.encode(inner), PublicKeyCodec.encode(outer))) {
            throw new SshFormatException("private section holds a different key than the header");
        }
        String comment = r.readUtf8("comment", 4096);
        // Deterministic padding 1, 2, 3, ... up to the block size.
        int pad = r.remaining();
        if (pad >= BLOCK_SIZE) {
            throw new SshFormatException("trailing garbage: " + pad + " bytes after the key");
        }
        byte[] padding = r.readRaw(pad, "padding");
        for (int i = 0; i < pad; i++) {
            if (padding[i] != i + 1) {
                throw new SshFormatException("private section padding is corrupt");
            }
        }
        SshPublicKey publicKey =
                SshPublicKey.of(inner, comment, PublicKeyCodec.toParameters(inner));
        return new Parsed(publicKey, priv);
    }

    private static RSAPrivateCrtKeyParameters rsa(
            BigInteger n, BigInteger e, BigInteger d, BigInteger iqmp, BigInteger p, BigInteger q)
            throws SshFormatException {
        BigInteger one = BigInteger.ONE;
        if (p.compareTo(one) <= 0 || q.compareTo(one) <= 0 || !p.multiply(q).equals(n)) {
            throw new SshFormatException("RSA private key does not match its modulus");
        }
        BigInteger p1 = p.subtract(one);
        BigInteger q1 = q.subtract(one);
        if (!e.multiply(d).mod(p1).equals(one) || !e.multiply(d).mod(q1).equals(one)) {
            throw new SshFormatException("RSA private exponent does not match the public exponent");
        }
        if (!q.multiply(iqmp).mod(p).equals(one)) {
            throw new SshFormatException("RSA iqmp is not the inverse of q mod p");
        }
        try {
            return new RSAPrivateCrtKeyParameters(n, e, d, p, q, d.mod(p1), d.mod(q1), iqmp);
        } catch (RuntimeException ex) {
            throw new SshFormatException("invalid RSA private key", ex);
        }
    }
}
