package dev.crateforge.protocol.contract;

import dev.crateforge.protocol.http.Problem;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every answer of the artifact service to an upload ({@code PUT <uploadUrl>}): the HTTP status, the
 * problem type's reason tag ({@code https://crateforge.dev/problems/<reason>}), and what the
 * builder does next. A builder switches on the reason of a problem+json answer, never on the status
 * alone: two 403s can ask for different things.
 *
 * <p>Any status or problem that is not listed here (a 5xx of a proxy, a network error, a reset
 * connection) is treated as {@link #UNAVAILABLE}: retried with backoff.
 */
public enum UploadOutcome {
    STORED(201, "stored", "the artifact was stored", PeerAction.DONE),
    ALREADY_STORED(
            200,
            "already_stored",
            "the same bytes were already stored for this attempt and kind",
            PeerAction.DONE),
    BAD_PATH(400, "bad_path", "the upload URL is not one the service made", PeerAction.STOP),
    BAD_LENGTH(400, "bad_length", "Content-Length is not a non-negative number", PeerAction.STOP),
    BAD_CHECKSUM_HEADER(
            400,
            "bad_checksum_header",
            "X-Checksum-Sha256 is not 64 hexadecimal digits",
            PeerAction.STOP),
    UPLOAD_INCOMPLETE(
            400,
            "upload_incomplete",
            "the body ended before Content-Length bytes; nothing was kept",
            PeerAction.RETRY_WITH_BACKOFF),
    TOKEN_MISSING(401, "token_missing", "no Bearer job token", PeerAction.STOP),
    TOKEN_INVALID(
            401,
            "token_invalid",
            "the job token is not signed by the scheduler",
            PeerAction.ABANDON_JOB),
    TOKEN_EXPIRED(401, "token_expired", "the job token has expired", PeerAction.ABANDON_JOB),
    TOKEN_AUDIENCE(
            401,
            "token_audience",
            "the job token is not meant for the artifact service",
            PeerAction.ABANDON_JOB),
    TOKEN_ISSUER(
            401,
            "token_issuer",
            "the job token was not issued by the scheduler",
            PeerAction.ABANDON_JOB),
    TOKEN_CLAIMS(
            401, "token_claims", "the job token's claims are malformed", PeerAction.ABANDON_JOB),
    TOKEN_JOB(403, "token_job", "the job token is for another job", PeerAction.ABANDON_JOB),
    KIND_NOT_ALLOWED(
            403,
            "kind_not_allowed",
            "the job token does not allow this artifact kind",
            PeerAction.ABANDON_JOB),
    ATTEMPT_NOT_LIVE(
            403,
            "attempt_not_live",
            "the token's attempt is no longer the job's current attempt, or the job has ended",
            PeerAction.ABANDON_JOB),
    BUILDER_REVOKED(
            403,
            "builder_revoked",
            "the builder holding the token was disabled or removed",
            PeerAction.ABANDON_JOB),
    CONFLICT(
            409,
            "conflict",
            "different bytes were already stored for this attempt and kind",
            PeerAction.REPORT_INFRASTRUCTURE_FAILURE),
    LENGTH_REQUIRED(411, "length_required", "no Content-Length header", PeerAction.STOP),
    TOO_LARGE(
            413,
            "too_large",
            "larger than the limit for this kind: failureCode artifact_too_large",
            PeerAction.REPORT_CRATE_FAILURE),
    HASH_MISMATCH(
            422,
            "hash_mismatch",
            "the bytes do not have the declared X-Checksum-Sha256; nothing was kept",
            PeerAction.RETRY_WITH_BACKOFF),
    INVALID_ARTIFACT(
            422,
            "invalid_artifact",
            "the bytes are not an artifact of this kind for this job (see the artifact kinds);"
                    + " nothing was kept",
            PeerAction.REPORT_INFRASTRUCTURE_FAILURE),
    STORAGE_FAILED(
            503,
            "storage_failed",
            "the object store failed; nothing was kept",
            PeerAction.RETRY_WITH_BACKOFF),
    UNAVAILABLE(
            503,
            "unavailable",
            "the service cannot decide now (a dependency is down); also any unlisted answer",
            PeerAction.RETRY_WITH_BACKOFF);

    private final int status;
    private final String reason;
    private final String meaning;
    private final PeerAction action;

    UploadOutcome(int status, String reason, String meaning, PeerAction action) {
        this.status = status;
        this.reason = reason;
        this.meaning = meaning;
        this.action = action;
    }

    public int status() {
        return status;
    }

    /** The reason tag: the last segment of the problem {@code type}. */
    public String reason() {
        return reason;
    }

    public String meaning() {
        return meaning;
    }

    public PeerAction action() {
        return action;
    }

    /** The problem {@code type} URI of this outcome. */
    public String problemType() {
        return Problem.type(reason);
    }

    /** True when the same upload may succeed later. */
    public boolean retriable() {
        return action == PeerAction.RETRY_WITH_BACKOFF;
    }

    /**
     * How a builder reads an answer: by the problem type when there is one, else by the status of a
     * success; anything unlisted is {@link #UNAVAILABLE}.
     *
     * @param problemType the {@code type} of the problem+json body, or null
     */
    public static UploadOutcome classify(int status, String problemType) {
        if (status == STORED.status) {
            return STORED;
        }
        if (status == ALREADY_STORED.status) {
            return ALREADY_STORED;
        }
        return Arrays.stream(values())
                .filter(o -> o.status == status && o.problemType().equals(problemType))
                .findFirst()
                .orElse(UNAVAILABLE);
    }

    /** The entry for a reason tag. */
    public static Optional<UploadOutcome> fromReason(String reason) {
        return Arrays.stream(values()).filter(o -> o.reason.equals(reason)).findFirst();
    }
}
