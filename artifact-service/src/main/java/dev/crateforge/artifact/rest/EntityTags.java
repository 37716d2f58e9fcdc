package dev.crateforge.artifact.rest;

/** {@code If-None-Match} against a strong entity tag, as RFC 9110 §13.1.2 compares them. */
final class EntityTags {

    private EntityTags() {}

    /**
     * True if {@code ifNoneMatch} (the header, or null) names {@code etag} (quoted) or is {@code
     * *}: the client's copy is current. The comparison is weak, as the RFC asks for this header, so
     * {@code W/"x"} matches {@code "x"}.
     */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        if (ifNoneMatch.trim().equals("*")) {
            return true;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
