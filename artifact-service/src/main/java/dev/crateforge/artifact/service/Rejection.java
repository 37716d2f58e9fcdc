package dev.crateforge.artifact.service;

/**
 * A request this service refuses, with everything the answer needs: the HTTP status, a short title,
 * a precise detail for the client, and a reason tag for the rejection metric. The REST layer turns
 * it into RFC 9457 problem+json.
 *
 * <p>Details never quote a token, a key or a signature.
 */
public class Rejection extends RuntimeException {

    private final int status;
    private final String title;
    private final String reason;

    public Rejection(int status, String title, String reason, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.reason = reason;
    }

    public static Rejection badRequest(String reason, String detail) {
        return new Rejection(400, "Bad Request", reason, detail);
    }

    public static Rejection unauthorized(String reason, String detail) {
        return new Rejection(401, "Unauthorized", reason, detail);
    }

    public static Rejection forbidden(String reason, String detail) {
        return new Rejection(403, "Forbidden", reason, detail);
    }

    public static Rejection notFound(String detail) {
        return new Rejection(404, "Not Found", "not_found", detail);
    }

    public static Rejection conflict(String reason, String detail) {
        return new Rejection(409, "Conflict", reason, detail);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The problem title (the status phrase). */
    public String title() {
        return title;
    }

    /** The tag of the rejection metric, a short snake_case word. */
    public String reason() {
        return reason;
    }

    /** The problem detail. */
    public String detail() {
        return getMessage();
    }
}
