package dev.crateforge.gateway.rest;

import jakarta.ws.rs.core.Response;

/** An RFC 9457 problem document. */
public record Problem(String type, String title, int status, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";

    static Response response(Response.Status status, String detail) {
        return Response.status(status)
                .type(MEDIA_TYPE)
                .entity(
                        new Problem(
                                "about:blank",
                                status.getReasonPhrase(),
                                status.getStatusCode(),
                                detail))
                .build();
    }
}
