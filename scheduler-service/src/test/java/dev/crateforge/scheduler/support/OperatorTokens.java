package dev.crateforge.scheduler.support;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Set;

/** Operator bearer tokens signed with the committed test key, as an operator would mint them. */
public final class OperatorTokens {

    private static final PrivateKey KEY = readKey("operator-test-private.pem");

    private OperatorTokens() {}

    public static String withRoles(String user, String... roles) {
        return claims(user, roles)
                .expiresIn(600)
                .jws()
                .algorithm(SignatureAlgorithm.ES256)
                .sign(KEY);
    }

    private static JwtClaimsBuilder claims(String user, String... roles) {
        return Jwt.issuer("crateforge-operators").upn(user).groups(Set.of(roles));
    }

    /** A token of the right issuer and key that ended ten minutes ago. */
    public static String expired(String user, String... roles) {
        long now = System.currentTimeMillis() / 1000;
        return claims(user, roles)
                .issuedAt(now - 3600)
                .expiresAt(now - 600)
                .jws()
                .algorithm(SignatureAlgorithm.ES256)
                .sign(KEY);
    }

    /** A token with every claim right, signed by a key the scheduler does not know. */
    public static String signedByAnotherKey(String user, String... roles) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return claims(user, roles)
                    .expiresIn(600)
                    .jws()
                    .algorithm(SignatureAlgorithm.ES256)
                    .sign(generator.generateKeyPair().getPrivate());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String submitter() {
        return withRoles("sam", "submitter");
    }

    public static String admin() {
        return withRoles("ada", "admin");
    }

    private static PrivateKey readKey(String resource) {
        try (InputStream in = OperatorTokens.class.getClassLoader().getResourceAsStream(resource)) {
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            String body =
                    pem.replace("-----BEGIN PRIVATE KEY-----", "")
                            .replace("-----END PRIVATE KEY-----", "");
            return KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
