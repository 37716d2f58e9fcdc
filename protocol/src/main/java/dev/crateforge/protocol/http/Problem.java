package dev.crateforge.protocol.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail: the body of every error answer of the CrateForge HTTP APIs, the same
 * shape in every service so that one client reads them all.
 *
 * @param type {@code https://crateforge.dev/problems/<reason>}: what kind of problem, stable for
 *     clients to switch on
 * @param title a short human summary of the kind
 * @param status the HTTP status
 * @param detail what exactly was wrong with this request; never echoes a secret
 * @param field the offending input when there is one (omitted otherwise), so that a client can
 *     point at it without parsing {@code detail}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {

    /** The media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";

    private static final String TYPE_BASE = "https://crateforge.dev/problems/";

    /** The {@code type} for a reason tag; underscores become dashes ({@code hash_mismatch}). */
    public static String type(String reason) {
        return TYPE_BASE + reason.replace('_', '-');
    }

    /** A problem without an offending field. */
    public static Problem of(int status, String reason, String title, String detail) {
        return new Problem(type(reason), title, status, detail, null);
    }

    /** This problem, naming the offending input. */
    public Problem about(String field) {
        return new Problem(type, title, status, detail, field);
    }
}
