package dev.crateforge.artifact.service;

import dev.crateforge.protocol.contract.UploadOutcome;
import java.util.Optional;

/**
 * A request this service refuses, with everything the answer needs: the HTTP status, a short title,
 * a precise detail for the client, and a reason tag (the problem type and the rejection metric's
 * tag). The REST layer turns it into RFC 9457 problem+json.
 *
 * <p>A refused upload is built from its {@link UploadOutcome}, the protocol's one table of upload
 * answers, so status and reason always come as a pair from that table and a builder can act on
 * them; only the detail is this request's own. Reads (downloads, provenance) have a few answers of
 * their own that no builder ever gets, {@link ReadRefusal}.
 *
 * <p>Details never quote a token, a key or a signature.
 */
public class Rejection extends RuntimeException {

    private final int status;
    private final String reason;
    private final UploadOutcome outcome;

    /**
     * A refused upload.
     *
     * @throws IllegalArgumentException for an outcome that is not a refusal ({@code stored})
     */
    public Rejection(UploadOutcome outcome, String detail) {
        this(outcome.status(), outcome.reason(), outcome, detail);
        if (outcome.status() < 400) {
            throw new IllegalArgumentException(outcome + " is not a refusal");
        }
    }

    /** A refused read. */
    protected Rejection(ReadRefusal refusal, String detail) {
        this(refusal.status(), refusal.reason(), null, detail);
    }

    private Rejection(int status, String reason, UploadOutcome outcome, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.reason = reason;
        this.outcome = outcome;
    }

    /** A refused upload: shorthand for {@code new Rejection(outcome, detail)}. */
    public static Rejection of(UploadOutcome outcome, String detail) {
        return new Rejection(outcome, detail);
    }

    /** A read of something that does not exist (404). */
    public static Rejection notFound(String detail) {
        return new Rejection(ReadRefusal.NOT_FOUND, detail);
    }

    /** A comparison asked of a reproduction whose builds have not disagreed (409). */
    public static Rejection notDisagreed(String detail) {
        return new Rejection(ReadRefusal.NOT_DISAGREED, detail);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The problem title: the status phrase. */
    public String title() {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 416 -> "Range Not Satisfiable";
            case 422 -> "Unprocessable Content";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }

    /** The reason tag: the problem type's last segment and the rejection metric's tag. */
    public String reason() {
        return reason;
    }

    /** The upload outcome this refusal is; empty for a refused read. */
    public Optional<UploadOutcome> uploadOutcome() {
        return Optional.ofNullable(outcome);
    }

    /**
     * True for a 503: the service cannot decide now and the same request may succeed later, so the
     * answer carries {@code Retry-After}. (Every 503 of the upload table is retried with backoff.)
     */
    public boolean retryLater() {
        return status == 503;
    }

    /** The problem detail. */
    public String detail() {
        return getMessage();
    }
}
