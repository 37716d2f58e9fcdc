package dev.crateforge.protocol.ssh;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;

/**
 * The three NIST curves of OpenSSH's ECDSA key types, built once. The "custom" BouncyCastle
 * implementations are the fast, curve-specific ones.
 */
final class EcCurves {
    private static final ECDomainParameters P256 = domain("secp256r1");
    private static final ECDomainParameters P384 = domain("secp384r1");
    private static final ECDomainParameters P521 = domain("secp521r1");

    private EcCurves() {}

    static ECDomainParameters domain(SshKeyType type) {
        switch (type) {
            case ECDSA_NISTP256:
                return P256;
            case ECDSA_NISTP384:
                return P384;
            case ECDSA_NISTP521:
                return P521;
            default:
                throw new IllegalStateException("not an ECDSA type: " + type);
        }
    }

    /** RFC 5656 section 6.2.1: the hash that goes with each curve. */
    static Digest digest(SshKeyType type) {
        switch (type) {
            case ECDSA_NISTP256:
                return new SHA256Digest();
            case ECDSA_NISTP384:
                return new SHA384Digest();
            case ECDSA_NISTP521:
                return new SHA512Digest();
            default:
                throw new IllegalStateException("not an ECDSA type: " + type);
        }
    }

    private static ECDomainParameters domain(String name) {
        return new ECDomainParameters(CustomNamedCurves.getByName(name));
    }
}
