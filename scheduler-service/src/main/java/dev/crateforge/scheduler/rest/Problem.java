package dev.crateforge.scheduler.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem detail. {@code field} names the offending input when there is one, so that a
 * client can point at it without parsing {@code detail}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {

    public static final String MEDIA_TYPE = "application/problem+json";

    private static final String TYPE_BASE = "https://crateforge.dev/problems/";

    public static Response response(int status, String slug, String title, String detail) {
        return response(status, slug, title, detail, null);
    }

    public static Response response(
            int status, String slug, String title, String detail, String field) {
        return Response.status(status)
                .type(MEDIA_TYPE)
                .entity(new Problem(TYPE_BASE + slug, title, status, detail, field))
                .build();
    }
}
