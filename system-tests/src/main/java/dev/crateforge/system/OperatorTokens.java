package dev.crateforge.system;

import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * Mints the operator tokens the admin and job APIs require (ES256, issuer {@value #ISSUER}, the
 * roles as {@code groups}), the same way docs/operations.md tells an operator to.
 */
public final class OperatorTokens {

    /** The issuer the services expect on operator tokens. */
    public static final String ISSUER = "crateforge-operators";

    private final PrivateKey key;

    OperatorTokens(PrivateKey key) {
        this.key = key;
    }

    /** A token for {@code subject} with {@code roles}, valid for {@code lifetime}. */
    public String mint(String subject, List<String> roles, Duration lifetime) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setSubject(subject);
        claims.setStringClaim("upn", subject);
        claims.setStringListClaim("groups", roles);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(lifetime.toSeconds() / 60f);
        claims.setJwtId(UUID.randomUUID().toString());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign an operator token", e);
        }
    }

    /** An hour-long token with every role: admin and submitter. */
    public String operator() {
        return mint("operator", List.of("admin", "submitter"), Duration.ofHours(1));
    }
}
