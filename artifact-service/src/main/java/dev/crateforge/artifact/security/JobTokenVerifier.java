package dev.crateforge.artifact.security;

import dev.crateforge.artifact.service.Rejection;
import dev.crateforge.protocol.contract.UploadOutcome;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.Naming;
import io.quarkus.logging.Log;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Checks a job token: signature with the scheduler's JWKS and the pinned algorithm, issuer,
 * audience and expiry (all by smallrye-jwt, configured with {@code mp.jwt.verify.*}), then the
 * claims this service needs, then that the token's builder was not revoked after the token was
 * issued ({@link BuilderRevocations}). Any failure is a {@link Rejection} whose reason names what
 * was wrong.
 *
 * <p>The parser is called directly instead of through Quarkus's HTTP authentication so that each
 * failure gets a precise problem+json answer and its own metric tag.
 */
@ApplicationScoped
public class JobTokenVerifier {

    private static final String BEARER = "Bearer ";

    private final JWTParser parser;
    private final BuilderRevocations revocations;

    public JobTokenVerifier(JWTParser parser, BuilderRevocations revocations) {
        this.parser = parser;
        this.revocations = revocations;
    }

    /** Verifies the {@code Authorization} header value. */
    public JobToken verify(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw Rejection.of(UploadOutcome.TOKEN_MISSING, "a job token is required");
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw Rejection.of(
                    UploadOutcome.TOKEN_MISSING,
                    "the Authorization header must use the Bearer scheme");
        }
        String raw = authorization.substring(BEARER.length()).trim();
        JsonWebToken jwt;
        try {
            jwt = parser.parse(raw);
        } catch (ParseException e) {
            throw translate(e);
        }
        JobToken token = claims(jwt);
        if (revocations.refuses(token.builderId(), token.issuedAt())) {
            throw Rejection.of(
                    UploadOutcome.BUILDER_REVOKED,
                    "builder "
                            + token.builderId()
                            + " was disabled or removed after this job token was issued");
        }
        return token;
    }

    private static JobToken claims(JsonWebToken jwt) {
        UUID jobId = uuid(jwt.getSubject(), "sub");
        Integer attempt = integer(jwt.getClaim("attempt"));
        if (attempt == null || attempt < 1 || attempt > 1000) {
            throw malformed("claim 'attempt' is missing or out of range");
        }
        UUID builderId = uuid(text(jwt.getClaim("builder")), "builder");
        Set<ArtifactKind> kinds = kinds(jwt.getClaim("kinds"));
        String crate = optional(jwt, "crate", Naming::isCrateName);
        String version = optional(jwt, "version", Naming::isVersion);
        String target = optional(jwt, "target", Naming::isTarget);
        // 0 when the claim is absent: such a token of a revoked builder is refused.
        long iat = jwt.getIssuedAtTime();
        Instant issuedAt = iat > 0 ? Instant.ofEpochSecond(iat) : null;
        return new JobToken(
                jobId,
                attempt,
                builderId,
                kinds,
                jwt.getTokenID(),
                crate,
                version,
                target,
                issuedAt);
    }

    /**
     * A claim that describes the attempt: absent is allowed (older schedulers), present but
     * malformed is refused, because it would become part of an object key.
     */
    private static String optional(JsonWebToken jwt, String claim, Predicate<String> valid) {
        Object raw = jwt.getClaim(claim);
        if (raw == null) {
            return null;
        }
        String value = text(raw);
        if (value == null || !valid.test(value)) {
            throw malformed("claim '" + claim + "' is not valid");
        }
        return value;
    }

    private static Rejection translate(ParseException e) {
        InvalidJwtException invalid = find(e, InvalidJwtException.class);
        if (invalid != null) {
            if (invalid.hasExpired()) {
                return Rejection.of(UploadOutcome.TOKEN_EXPIRED, "the job token has expired");
            }
            if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)
                    || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
                return Rejection.of(
                        UploadOutcome.TOKEN_AUDIENCE,
                        "the job token is not meant for the artifact service");
            }
            if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID)
                    || invalid.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
                return Rejection.of(
                        UploadOutcome.TOKEN_ISSUER,
                        "the job token was not issued by the scheduler");
            }
        }
        // Signature, algorithm, unknown key, or not a JWT at all: the client learns no more.
        // Only the exception type: jose4j's messages quote the token itself.
        Log.debugf(
                "Job token refused: %s",
                (invalid != null ? invalid : e.getCause() != null ? e.getCause() : e)
                        .getClass()
                        .getSimpleName());
        return Rejection.of(
                UploadOutcome.TOKEN_INVALID,
                "the job token is not signed by the scheduler with ES256");
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Rejection malformed(String detail) {
        return Rejection.of(UploadOutcome.TOKEN_CLAIMS, "the job token is malformed: " + detail);
    }

    private static UUID uuid(String value, String claim) {
        if (value == null) {
            throw malformed("claim '" + claim + "' is missing");
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw malformed("claim '" + claim + "' is not a UUID");
        }
    }

    private static String text(Object value) {
        if (value instanceof JsonString s) {
            return s.getString();
        }
        return value instanceof String s ? s : null;
    }

    private static Integer integer(Object value) {
        if (value instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.intValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        }
        if (value instanceof Integer i) {
            return i;
        }
        return null;
    }

    private static Set<ArtifactKind> kinds(Object value) {
        Collection<?> items;
        if (value instanceof JsonArray array) {
            items = array;
        } else if (value instanceof Collection<?> collection) {
            items = collection;
        } else {
            throw malformed("claim 'kinds' is missing or not an array");
        }
        Set<ArtifactKind> kinds = EnumSet.noneOf(ArtifactKind.class);
        for (Object item : items) {
            String name = item instanceof JsonValue json ? text(json) : text(item);
            // An unknown kind is ignored rather than refused: a newer scheduler may know more
            // kinds.
            if (name != null) {
                ArtifactKind.fromWireName(name).ifPresent(kinds::add);
            }
        }
        return kinds;
    }
}
