package dev.crateforge.scheduler.security;

import dev.crateforge.scheduler.config.SchedulerConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * The ES256 key that signs job tokens and the public keys verifiers may meet, published as a JWKS.
 *
 * <p>Rotation: deploy the new private key as the signing key and list the old public key under
 * {@code previous-public-key-locations} for at least the job-token lifetime, so that tokens minted
 * before the switch still verify. Each key's {@code kid} is its RFC 7638 thumbprint, so every
 * replica names the same key the same way without coordination.
 */
@ApplicationScoped
public class SigningKeys {

    private final ECPrivateKey signingKey;
    private final String signingKid;
    private final String jwksJson;

    public SigningKeys(SchedulerConfig config) {
        SchedulerConfig.Token token = config.token();
        ECPublicKey publicKey;
        if (token.signingKeyLocation().isPresent()) {
            signingKey = PemKeys.readPrivateKey(token.signingKeyLocation().get());
            publicKey = PemKeys.publicKeyOf(signingKey);
        } else {
            Log.warn(
                    "No crateforge.scheduler.token.signing-key-location: signing job tokens with a"
                            + " key generated now. Fine for one development replica, wrong for"
                            + " anything else (each replica and restart gets another key).");
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                var pair = generator.generateKeyPair();
                signingKey = (ECPrivateKey) pair.getPrivate();
                publicKey = (ECPublicKey) pair.getPublic();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot generate a P-256 key", e);
            }
        }
        Map<String, PublicKey> published = new LinkedHashMap<>();
        signingKid = thumbprint(publicKey);
        published.put(signingKid, publicKey);
        for (String location : token.previousPublicKeyLocations().orElse(List.of())) {
            ECPublicKey previous = PemKeys.readPublicKey(location);
            published.putIfAbsent(thumbprint(previous), previous);
        }
        jwksJson = renderJwks(published);
        Log.infof(
                "Job tokens are signed with key %s; JWKS lists %d key(s)",
                signingKid, published.size());
    }

    public ECPrivateKey signingKey() {
        return signingKey;
    }

    public String signingKid() {
        return signingKid;
    }

    /** The JWKS document: public parts only. */
    public String jwksJson() {
        return jwksJson;
    }

    private static String thumbprint(PublicKey key) {
        try {
            return PublicJsonWebKey.Factory.newPublicJwk(key)
                    .calculateBase64urlEncodedThumbprint("SHA-256");
        } catch (JoseException e) {
            throw new IllegalStateException("cannot compute a key thumbprint", e);
        }
    }

    private static String renderJwks(Map<String, PublicKey> keys) {
        try {
            List<JsonWebKey> jwks = new ArrayList<>();
            for (var entry : keys.entrySet()) {
                PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(entry.getValue());
                jwk.setKeyId(entry.getKey());
                jwk.setUse("sig");
                jwk.setAlgorithm("ES256");
                jwks.add(jwk);
            }
            return new JsonWebKeySet(jwks).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        } catch (JoseException e) {
            throw new IllegalStateException("cannot render the JWKS", e);
        }
    }
}
