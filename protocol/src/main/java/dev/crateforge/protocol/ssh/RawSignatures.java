package dev.crateforge.protocol.ssh;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.RSADigestSigner;

/**
 * Plain signatures with an SSH key over arbitrary bytes (no SSHSIG wrapping), in the encodings the
 * supply-chain tools expect, so that a DSSE envelope signed by a builder's SSH key verifies with
 * securesystemslib and friends:
 *
 * <ul>
 *   <li>{@code ssh-ed25519}: the raw 64-byte Ed25519 signature (scheme {@code ed25519});
 *   <li>{@code ecdsa-sha2-nistp256/384/521}: ECDSA over SHA-256/384/512 of the data, DER-encoded
 *       {@code SEQUENCE {INTEGER r, INTEGER s}} (scheme {@code ecdsa-sha2-nistp256/384}; P-521 has
 *       no securesystemslib scheme);
 *   <li>{@code ssh-rsa}: RSASSA-PKCS1-v1_5 with SHA-256 (scheme {@code rsa-pkcs1v15-sha256}).
 * </ul>
 *
 * ECDSA signing uses RFC 6979's deterministic nonce, like {@link SshPrivateKey#sign}.
 */
public final class RawSignatures {

    private static final int MAX_SIGNATURE_BYTES = 2048;

    /** RFC 8410 id-Ed25519 (the ASN.1 helper class for it is not in bcprov). */
    private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

    private RawSignatures() {}

    /** Signs {@code data} with {@code key} in the encoding of the key type (see the class doc). */
    public static byte[] sign(SshPrivateKey key, byte[] data) {
        AsymmetricKeyParameter params = key.privateParameters();
        SshKeyType type = key.type();
        if (type == SshKeyType.ED25519) {
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, params);
            signer.update(data, 0, data.length);
            return signer.generateSignature();
        }
        if (type == SshKeyType.RSA) {
            RSADigestSigner signer = new RSADigestSigner(new SHA256Digest());
            signer.init(true, params);
            signer.update(data, 0, data.length);
            try {
                return signer.generateSignature();
            } catch (CryptoException e) {
                throw new IllegalStateException("RSA signing failed", e);
            }
        }
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(EcCurves.digest(type)));
        signer.init(true, params);
        BigInteger[] rs = signer.generateSignature(ecHash(type, data));
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(rs[0]));
        v.add(new ASN1Integer(rs[1]));
        try {
            return new DERSequence(v).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an ECDSA signature", e);
        }
    }

    /**
     * True when {@code signature} is {@code key}'s signature over {@code data} in the encoding of
     * its type. Anything malformed is {@code false}, never an exception.
     */
    public static boolean verify(SshPublicKey key, byte[] data, byte[] signature) {
        if (key == null || data == null || signature == null) {
            return false;
        }
        if (signature.length == 0 || signature.length > MAX_SIGNATURE_BYTES) {
            return false;
        }
        AsymmetricKeyParameter params = key.parametersOrNull();
        if (params == null) {
            return false;
        }
        try {
            SshKeyType type = key.type();
            if (type == SshKeyType.ED25519) {
                if (signature.length != 64) {
                    return false;
                }
                Ed25519Signer signer = new Ed25519Signer();
                signer.init(false, params);
                signer.update(data, 0, data.length);
                return signer.verifySignature(signature);
            }
            if (type == SshKeyType.RSA) {
                RSADigestSigner signer = new RSADigestSigner(new SHA256Digest());
                signer.init(false, params);
                signer.update(data, 0, data.length);
                return signer.verifySignature(signature);
            }
            BigInteger[] rs = derSignature(signature);
            if (rs == null) {
                return false;
            }
            ECDSASigner signer = new ECDSASigner();
            signer.init(false, params);
            return signer.verifySignature(ecHash(type, data), rs[0], rs[1]);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * The key id CrateForge puts beside a signature: the SHA-256 of the SSH public key blob in
     * lowercase hex, i.e. the digest of {@code ssh-keygen -lf} in hex rather than base64. Hex
     * because securesystemslib requires a hex key id.
     */
    public static String keyId(SshPublicKey key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.blob()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /**
     * The securesystemslib scheme of signatures made by {@link #sign} with a key of this type, or
     * {@code null} when securesystemslib has none (ECDSA P-521).
     */
    public static String securesystemslibScheme(SshKeyType type) {
        return switch (type) {
            case ED25519 -> "ed25519";
            case ECDSA_NISTP256 -> "ecdsa-sha2-nistp256";
            case ECDSA_NISTP384 -> "ecdsa-sha2-nistp384";
            case ECDSA_NISTP521 -> null;
            case RSA -> "rsa-pkcs1v15-sha256";
        };
    }

    /**
     * The key as a securesystemslib key dictionary ({@code keytype}, {@code scheme}, {@code
     * keyval.public}): hex for Ed25519, a PEM SubjectPublicKeyInfo otherwise; {@code null} when
     * securesystemslib has no scheme for the key type.
     */
    public static Map<String, Object> securesystemslibKey(SshPublicKey key) {
        String scheme = securesystemslibScheme(key.type());
        if (scheme == null) {
            return null;
        }
        String keyType =
                switch (key.type()) {
                    case ED25519 -> "ed25519";
                    case RSA -> "rsa";
                    default -> "ecdsa";
                };
        String publicPart =
                key.type() == SshKeyType.ED25519
                        ? HexFormat.of()
                                .formatHex(
                                        ((Ed25519PublicKeyParameters) key.parametersOrNull())
                                                .getEncoded())
                        : pem(key);
        Map<String, Object> dict = new LinkedHashMap<>();
        dict.put("keytype", keyType);
        dict.put("scheme", scheme);
        dict.put("keyval", Map.of("public", publicPart));
        return dict;
    }

    /** The key as a PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo, named curves). */
    public static String pem(SshPublicKey key) {
        AsymmetricKeyParameter params = key.parametersOrNull();
        if (params == null) {
            throw new IllegalStateException("key has no usable parameters");
        }
        SubjectPublicKeyInfo info;
        if (params instanceof Ed25519PublicKeyParameters ed) {
            info = new SubjectPublicKeyInfo(new AlgorithmIdentifier(ID_ED25519), ed.getEncoded());
        } else if (params instanceof RSAKeyParameters rsa) {
            try {
                info =
                        new SubjectPublicKeyInfo(
                                new AlgorithmIdentifier(
                                        PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                                new RSAPublicKey(rsa.getModulus(), rsa.getExponent()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot encode an RSA key", e);
            }
        } else {
            ECPublicKeyParameters ec = (ECPublicKeyParameters) params;
            ASN1ObjectIdentifier curve =
                    switch (key.type()) {
                        case ECDSA_NISTP256 -> SECObjectIdentifiers.secp256r1;
                        case ECDSA_NISTP384 -> SECObjectIdentifiers.secp384r1;
                        default -> SECObjectIdentifiers.secp521r1;
                    };
            info =
                    new SubjectPublicKeyInfo(
                            new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve),
                            ec.getQ().getEncoded(false));
        }
        try {
            String body =
                    Base64.getMimeEncoder(64, new byte[] {'\n'})
                            .encodeToString(info.getEncoded(ASN1Encoding.DER));
            return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a public key", e);
        }
    }

    private static BigInteger[] derSignature(byte[] der) {
        try {
            ASN1Primitive parsed = ASN1Primitive.fromByteArray(der);
            if (!(parsed instanceof ASN1Sequence seq) || seq.size() != 2) {
                return null;
            }
            // Strict DER only: a BER or padded variant of the same values is not this signature.
            if (!java.util.Arrays.equals(parsed.getEncoded(ASN1Encoding.DER), der)) {
                return null;
            }
            BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
            BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
            return new BigInteger[] {r, s};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] ecHash(SshKeyType type, byte[] data) {
        Digest d = EcCurves.digest(type);
        d.update(data, 0, data.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }
}
