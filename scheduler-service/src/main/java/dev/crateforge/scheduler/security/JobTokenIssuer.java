package dev.crateforge.scheduler.security;

import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.repository.Job;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Mints the job token that lets one attempt of one job upload its artifacts. The artifact service
 * checks signature (JWKS), issuer, audience, expiry, and the claims {@code sub} (job), {@code
 * attempt}, {@code builder} and {@code kinds}; it also refuses an attempt that is no longer live,
 * which is how a cancel or reassignment revokes a token early.
 */
@ApplicationScoped
public class JobTokenIssuer {

    /** Claim: the attempt number the token is good for. */
    public static final String ATTEMPT = "attempt";

    /** Claim: the builder id holding the attempt. */
    public static final String BUILDER = "builder";

    /** Claim: the artifact kinds the token may upload. */
    public static final String KINDS = "kinds";

    private final SigningKeys keys;
    private final SchedulerConfig config;

    public JobTokenIssuer(SigningKeys keys, SchedulerConfig config) {
        this.keys = keys;
        this.config = config;
    }

    /** A token for the job's current attempt, valid for the job timeout. */
    public String mint(Job job, UUID builderId, Instant now) {
        return Jwt.issuer(config.token().issuer())
                .audience(config.token().audience())
                .subject(job.id.toString())
                .claim(ATTEMPT, job.attempt)
                .claim(BUILDER, builderId.toString())
                .claim(KINDS, List.of(job.kind.wireName()))
                .claim("jti", UUID.randomUUID().toString())
                .issuedAt(now)
                .expiresAt(now.plus(config.jobTimeout()))
                .jws()
                .keyId(keys.signingKid())
                .algorithm(SignatureAlgorithm.ES256)
                .sign(keys.signingKey());
    }
}
