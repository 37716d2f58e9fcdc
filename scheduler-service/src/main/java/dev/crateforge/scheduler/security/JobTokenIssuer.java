package dev.crateforge.scheduler.security;

import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.scheduler.assignment.ClaimedJob;
import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.job.Job;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/**
 * Mints the job token that lets one attempt of one job upload its artifacts. The artifact service
 * checks signature (JWKS), issuer, audience, expiry, and the claims {@code sub} (job), {@code
 * attempt}, {@code builder} and {@code kinds}; {@code crate}, {@code version} and {@code target}
 * tell it where to store the artifact. It refuses an attempt its copy of the job states shows is
 * over, which is how a cancel or reassignment revokes a token early.
 *
 * <p>The token is a compact JWS put together here (header and claims are JSON from jose4j, the
 * signature from {@link Es256Signer}), because a token is minted per assignment and the JCA
 * signature behind the general JWT builders was most of an assignment's CPU.
 */
@ApplicationScoped
public class JobTokenIssuer {

    /** Claim: the attempt number the token is good for. */
    public static final String ATTEMPT = "attempt";

    /** Claim: the builder id holding the attempt. */
    public static final String BUILDER = "builder";

    /** Claim: the artifact kinds the token may upload. */
    public static final String KINDS = "kinds";

    /** Claim: the crate the attempt builds (so the token alone describes the attempt). */
    public static final String CRATE = "crate";

    /** Claim: the crate version the attempt builds. */
    public static final String VERSION = "version";

    /** Claim: the target triple the attempt builds for. */
    public static final String TARGET = "target";

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SchedulerConfig config;
    private final Es256Signer signer;
    private final String encodedHeader;

    public JobTokenIssuer(SigningKeys keys, SchedulerConfig config) {
        this.config = config;
        this.signer = new Es256Signer(keys.signingKey());
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("kid", keys.signingKid());
        header.put("typ", "JWT");
        header.put("alg", "ES256");
        this.encodedHeader = base64url(JsonUtil.toJson(header));
    }

    /** A token for the job's current attempt, valid for the job timeout. */
    public String mint(Job job, UUID builderId, Instant now) {
        return mint(
                new Attempt(job.id, job.attempt, job.crate, job.version, job.target, job.kind),
                builderId,
                now);
    }

    /** A token for a job just claimed for a builder, valid for the job timeout. */
    public String mint(ClaimedJob job, UUID builderId, Instant now) {
        return mint(
                new Attempt(
                        job.id(),
                        job.attempt(),
                        job.crate(),
                        job.version(),
                        job.target(),
                        job.kind()),
                builderId,
                now);
    }

    /**
     * What a token is for. With crate, version and target the token alone authorises and describes
     * the attempt, so an upload right after the assignment does not depend on the artifact service
     * having read the job's state record yet.
     */
    public record Attempt(
            UUID jobId,
            int attempt,
            String crate,
            String version,
            String target,
            ArtifactKind kind) {}

    /** A token for one attempt, valid for the job timeout. */
    public String mint(Attempt attempt, UUID builderId, Instant now) {
        UUID jobId = attempt.jobId();
        ArtifactKind kind = attempt.kind();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(config.token().issuer());
        claims.setAudience(config.token().audience());
        claims.setSubject(jobId.toString());
        claims.setClaim(ATTEMPT, attempt.attempt());
        if (attempt.crate() != null) {
            claims.setClaim(CRATE, attempt.crate());
            claims.setClaim(VERSION, attempt.version());
            claims.setClaim(TARGET, attempt.target());
        }
        claims.setClaim(BUILDER, builderId.toString());
        claims.setStringListClaim(KINDS, List.of(kind.wireName()));
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(
                NumericDate.fromSeconds(now.plus(config.jobTimeout()).getEpochSecond()));
        String signingInput = encodedHeader + "." + base64url(claims.toJson());
        byte[] signature = signer.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + BASE64URL.encodeToString(signature);
    }

    private static String base64url(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
