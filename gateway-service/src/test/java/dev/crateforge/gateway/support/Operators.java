package dev.crateforge.gateway.support;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import java.util.Set;

/** Operator tokens as docs/gateway.md tells operators to mint them, with the test key pair. */
public final class Operators {

    private Operators() {}

    public static String token(String... roles) {
        return Jwt.issuer("crateforge-operators")
                .upn("operator@crateforge.test")
                .groups(Set.of(roles))
                .expiresIn(600)
                .jws()
                .algorithm(SignatureAlgorithm.ES256)
                .sign();
    }

    public static String admin() {
        return token("admin");
    }
}
