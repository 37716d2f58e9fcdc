package dev.crateforge.scheduler.security;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECFieldFp;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * JWS ES256 signatures (ECDSA over P-256 with SHA-256, encoded as the 64 bytes R‖S of RFC 7518
 * §3.4). One token is signed per assignment, and JDK 17's provider needs ~0.5 ms per signature on
 * this hardware, most of the assignment path's CPU; BouncyCastle's P-256 arithmetic with its
 * precomputed base-point table needs ~0.08 ms. The nonce is deterministic (RFC 6979), so a weak or
 * repeating random source can never leak the key. Thread-safe: a signer engine is made per call (it
 * is cheap; the table is cached on the curve).
 */
final class Es256Signer {

    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final ECDomainParameters DOMAIN =
            new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());
    private static final int FIELD_BYTES = 32;

    private final ECPrivateKeyParameters key;

    Es256Signer(ECPrivateKey privateKey) {
        BigInteger prime =
                privateKey.getParams().getCurve().getField() instanceof ECFieldFp field
                        ? field.getP()
                        : null;
        if (!P256.getN().equals(privateKey.getParams().getOrder())
                || !P256.getCurve().getField().getCharacteristic().equals(prime)) {
            throw new IllegalStateException("the job-token signing key is not a P-256 key");
        }
        this.key = new ECPrivateKeyParameters(privateKey.getS(), DOMAIN);
    }

    /** The JWS signature of {@code signingInput}: R‖S, each left-padded to 32 bytes. */
    byte[] sign(byte[] signingInput) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(signingInput);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, key);
        BigInteger[] rs = signer.generateSignature(hash);
        byte[] signature = new byte[2 * FIELD_BYTES];
        copyFixed(rs[0], signature, 0);
        copyFixed(rs[1], signature, FIELD_BYTES);
        return signature;
    }

    /** Big-endian, unsigned, right-aligned in 32 bytes (drops a sign byte, pads short values). */
    private static void copyFixed(BigInteger value, byte[] into, int offset) {
        byte[] bytes = value.toByteArray();
        int length = Math.min(bytes.length, FIELD_BYTES);
        System.arraycopy(bytes, bytes.length - length, into, offset + FIELD_BYTES - length, length);
    }
}
