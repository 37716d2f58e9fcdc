package dev.crateforge.artifact;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.smallrye.jwt.util.KeyUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jwk.PublicJsonWebKey;

/**
 * Mints job tokens the way the scheduler does (ES256, kid, issuer, audience, job claims), and the
 * forged ones every rejection test needs. Keys are committed test keys under {@code keys/}.
 */
public final class TestTokens {

    public static final String ISSUER = "crateforge-scheduler";
    public static final String AUDIENCE = "crateforge-artifacts";
    public static final String SCHEDULER_KID = "scheduler-1";
    public static final String ROTATED_KID = "scheduler-2";

    private TestTokens() {}

    /** A token as the scheduler mints it for one attempt of a job. */
    public static String mint(UUID jobId, int attempt, UUID builderId, String... kinds) {
        return sign(claims(jobId, attempt, builderId, kinds));
    }

    /** The claims of a valid token, for tests that change one thing before signing. */
    public static JwtClaimsBuilder claims(
            UUID jobId, int attempt, UUID builderId, String... kinds) {
        return Jwt.issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(jobId.toString())
                .claim("attempt", attempt)
                .claim("builder", builderId.toString())
                .claim("kinds", List.of(kinds))
                .claim("jti", UUID.randomUUID().toString())
                .expiresAt(Instant.now().plusSeconds(600));
    }

    /** Signs claims with the scheduler key. */
    public static String sign(JwtClaimsBuilder claims) {
        return claims.jws()
                .keyId(SCHEDULER_KID)
                .algorithm(SignatureAlgorithm.ES256)
                .sign(privateKey("scheduler"));
    }

    /** Signs claims with the key named {@code name} under kid {@code kid}. */
    public static String sign(JwtClaimsBuilder claims, String name, String kid) {
        return claims.jws().keyId(kid).algorithm(SignatureAlgorithm.ES256).sign(privateKey(name));
    }

    /** The same claims, unsigned: {@code alg: none}. */
    public static String unsigned(UUID jobId, int attempt, UUID builderId, String... kinds) {
        String payload = payloadOf(sign(claims(jobId, attempt, builderId, kinds)));
        return b64("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + SCHEDULER_KID + "\"}")
                + "."
                + payload
                + ".";
    }

    /**
     * HS256 with the scheduler's public key (PEM text) as the HMAC secret: the classic confusion
     * attack.
     */
    public static String hs256WithPublicKey(
            UUID jobId, int attempt, UUID builderId, String... kinds) {
        String payload = payloadOf(sign(claims(jobId, attempt, builderId, kinds)));
        String signingInput =
                b64("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + SCHEDULER_KID + "\"}")
                        + "."
                        + payload;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(resource("keys/scheduler-public.pem"), "HmacSHA256"));
            byte[] sig = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JWKS holding the public keys with the given kids. */
    public static String jwks(String... kids) {
        List<String> keys = new ArrayList<>();
        for (String kid : kids) {
            String name = kid.equals(SCHEDULER_KID) ? "scheduler" : "rotated";
            try {
                PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(publicKey(name));
                jwk.setKeyId(kid);
                jwk.setAlgorithm("ES256");
                jwk.setUse("sig");
                keys.add(jwk.toJson());
            } catch (org.jose4j.lang.JoseException e) {
                throw new IllegalStateException(e);
            }
        }
        return "{\"keys\":[" + String.join(",", keys) + "]}";
    }

    public static PrivateKey privateKey(String name) {
        try {
            return KeyUtils.decodePrivateKey(
                    new String(
                            resource("keys/" + name + "-private.pem"), StandardCharsets.US_ASCII),
                    SignatureAlgorithm.ES256);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PublicKey publicKey(String name) {
        try {
            return KeyUtils.decodePublicKey(
                    new String(resource("keys/" + name + "-public.pem"), StandardCharsets.US_ASCII),
                    SignatureAlgorithm.ES256);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] resource(String path) {
        try (InputStream in = TestTokens.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String payloadOf(String jwt) {
        return jwt.split("\\.")[1];
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
