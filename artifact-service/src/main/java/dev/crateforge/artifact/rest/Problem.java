package dev.crateforge.artifact.rest;

/**
 * An RFC 9457 problem document, the body of every error answer.
 *
 * @param type a URI naming the kind of problem; its last segment is the rejection reason
 */
public record Problem(String type, String title, int status, String detail) {

    /** The media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** The {@code type} of a problem with the given reason tag. */
    public static String type(String reason) {
        return "https://crateforge.dev/problems/" + reason.replace('_', '-');
    }
}
