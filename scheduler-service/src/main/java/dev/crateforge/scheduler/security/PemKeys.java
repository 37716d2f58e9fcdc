package dev.crateforge.scheduler.security;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;

/** Reads the PEM keys an operator mounts (a file path, or a classpath resource for tests). */
final class PemKeys {

    private PemKeys() {}

    static ECPrivateKey readPrivateKey(String location) {
        byte[] der = decode(read(location), "PRIVATE KEY", location);
        try {
            return (ECPrivateKey)
                    KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException(
                    "job-token signing key at " + location + " is not a PKCS#8 EC key", e);
        }
    }

    static ECPublicKey readPublicKey(String location) {
        byte[] der = decode(read(location), "PUBLIC KEY", location);
        try {
            return (ECPublicKey)
                    KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException(
                    "public key at " + location + " is not an EC public key", e);
        }
    }

    /** The public half of a P-256 private key: Q = d·G. */
    static ECPublicKey publicKeyOf(ECPrivateKey privateKey) {
        ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec("secp256r1");
        var q = curve.getG().multiply(privateKey.getS()).normalize();
        ECPoint w =
                new ECPoint(
                        new BigInteger(1, q.getAffineXCoord().getEncoded()),
                        new BigInteger(1, q.getAffineYCoord().getEncoded()));
        try {
            return (ECPublicKey)
                    KeyFactory.getInstance("EC")
                            .generatePublic(new ECPublicKeySpec(w, privateKey.getParams()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the public key", e);
        }
    }

    private static String read(String location) {
        String path = location.startsWith("file:") ? location.substring(5) : location;
        try {
            Path file = Path.of(path);
            if (Files.isRegularFile(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII);
            }
            String resource = path.startsWith("classpath:") ? path.substring(10) : path;
            try (InputStream in =
                    Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("no key at " + location);
                }
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read key at " + location, e);
        }
    }

    private static byte[] decode(String pem, String label, String location) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException("key at " + location + " is not a PEM " + label);
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }
}
