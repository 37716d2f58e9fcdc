package dev.crateforge.scheduler.console;

import dev.crateforge.scheduler.security.SigningKeys;
import io.quarkus.logging.Log;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.NewCookie;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Signing in to the console with an operator token, and the CSRF token of a session.
 *
 * <p>The session cookie holds the operator token itself: it is already signed and expiring, so the
 * scheduler keeps no session state and any replica serves any request. Every request verifies it
 * again (signature, issuer, expiry) exactly as the API verifies a bearer token, with {@link
 * JWTParser} and the {@code mp.jwt.verify.*} settings. The CSRF token of a form is an HMAC of the
 * cookie's value under a key derived from the scheduler's job-token signing key, which every
 * replica already shares; it is compared in constant time (docs/architecture.md).
 */
@ApplicationScoped
public class ConsoleLogins {

    /** The session cookie; only the console's paths see it. */
    public static final String COOKIE = "crateforge_console";

    static final String COOKIE_PATH = "/console";

    /**
     * A longer paste is not an operator token, and would not fit the cookie (browsers keep about 4
     * KiB of name and value).
     */
    static final int TOKEN_MAX_CHARS = 4000;

    private static final String CSRF_KEY_LABEL = "crateforge console csrf v1";

    private final JWTParser parser;
    private final ConsoleConfig config;
    private final SecretKeySpec csrfKey;

    public ConsoleLogins(JWTParser parser, ConsoleConfig config, SigningKeys keys) {
        this.parser = parser;
        this.config = config;
        SecretKeySpec signing = hmacKey(keys.signingKey().getS().toByteArray());
        this.csrfKey = hmacKey(hmac(signing, CSRF_KEY_LABEL));
    }

    /**
     * The operator a pasted token names, or a refusal that says why (never echoing the token): 401
     * for a token that does not verify, 403 for one without a console role.
     */
    public Operator signIn(String pasted) {
        String token = pasted == null ? "" : pasted.strip();
        if (token.startsWith("Bearer ")) {
            token = token.substring("Bearer ".length()).strip();
        }
        if (token.isEmpty()) {
            throw refused(401, "Paste an operator token to sign in.");
        }
        if (token.length() > TOKEN_MAX_CHARS) {
            throw refused(
                    401,
                    "That is longer than any operator token ("
                            + TOKEN_MAX_CHARS
                            + " characters at most).");
        }
        Operator operator;
        try {
            operator = verified(token);
        } catch (ParseException e) {
            throw refused(401, why(e));
        }
        if (operator.name() == null || operator.name().isBlank()) {
            throw refused(401, "The token names nobody (no upn, preferred_username or sub).");
        }
        if (!operator.canChangeJobs()) {
            throw refused(
                    403,
                    "The token is valid but is in neither group admin nor submitter; the"
                            + " console's actions need one of them.");
        }
        Log.infof("Console sign-in of %s (%s)", operator.name(), operator.roles());
        return operator;
    }

    /** The operator of a session cookie, while its token still verifies and has a console role. */
    public Optional<Operator> session(String cookie) {
        if (cookie == null || cookie.isEmpty() || cookie.length() > TOKEN_MAX_CHARS) {
            return Optional.empty();
        }
        try {
            Operator operator = verified(cookie);
            return operator.canChangeJobs() ? Optional.of(operator) : Optional.empty();
        } catch (ParseException e) {
            Log.debugf("Console session cookie no longer verifies: %s", why(e));
            return Optional.empty();
        }
    }

    /** The cookie of a new session: it ends with the token, or sooner by {@code session-max}. */
    public NewCookie cookie(Operator operator) {
        long left = Duration.between(Instant.now(), operator.expiresAt()).getSeconds();
        long maxAge = Math.max(0, Math.min(left, config.sessionMax().getSeconds()));
        return cookie(operator.token(), (int) maxAge);
    }

    /** The cookie that ends the session in the browser. */
    public NewCookie cleared() {
        return cookie("", 0);
    }

    /** The CSRF token of a session: bound to its cookie, so it changes with every sign-in. */
    public String csrf(Operator operator) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(hmac(csrfKey, operator.token()));
    }

    /** Whether a form's CSRF token is the session's, compared in constant time. */
    public boolean csrfMatches(Operator operator, String given) {
        if (given == null || given.isEmpty() || given.length() > 64) {
            return false;
        }
        return MessageDigest.isEqual(
                csrf(operator).getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    private Operator verified(String token) throws ParseException {
        JsonWebToken jwt = parser.parse(token);
        Set<String> groups = jwt.getGroups() == null ? Set.of() : Set.copyOf(jwt.getGroups());
        String name = jwt.getName() != null ? jwt.getName() : jwt.getSubject();
        return new Operator(name, groups, Instant.ofEpochSecond(jwt.getExpirationTime()), token);
    }

    /** Why a token was refused, in words; never the token or its claims. */
    private static String why(ParseException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidJwtException invalid) {
                if (invalid.hasExpired()) {
                    return "The token has expired: mint a new one.";
                }
                if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
                    return "The token's signature does not verify with the operators' public key.";
                }
                if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID)
                        || invalid.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
                    return "The token is not from the operators' issuer.";
                }
            }
        }
        return "That is not a valid operator token (an ES256 JWT of the operators' issuer).";
    }

    private NewCookie cookie(String value, int maxAge) {
        return new NewCookie.Builder(COOKIE)
                .value(value)
                .path(COOKIE_PATH)
                .maxAge(maxAge)
                .httpOnly(true)
                .secure(config.secureCookie())
                .sameSite(NewCookie.SameSite.STRICT)
                .build();
    }

    private static SecretKeySpec hmacKey(byte[] key) {
        return new SecretKeySpec(key, "HmacSHA256");
    }

    private static byte[] hmac(SecretKeySpec key, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static ConsoleRefusal refused(int status, String message) {
        Log.infof("Console sign-in refused: %s", message);
        return new ConsoleRefusal(status, "Not signed in", message);
    }
}
