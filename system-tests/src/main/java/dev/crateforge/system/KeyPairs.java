package dev.crateforge.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * Fresh EC P-256 key pairs written as PEM files: the operator key that signs admin tokens and the
 * scheduler's job-token key. A new system gets new keys; nothing secret is committed.
 */
final class KeyPairs {

    private KeyPairs() {}

    static KeyPair newEcKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys", e);
        }
    }

    /** Writes the PKCS#8 private key, readable by the owner only. */
    static Path writePrivateKey(KeyPair keys, Path file) {
        write(file, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort on file systems without POSIX permissions; the directory is private too.
        }
        return file;
    }

    /** Writes the X.509 SubjectPublicKeyInfo public key. */
    static Path writePublicKey(KeyPair keys, Path file) {
        write(file, pem("PUBLIC KEY", keys.getPublic().getEncoded()));
        return file;
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN "
                + label
                + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END "
                + label
                + "-----\n";
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
