package dev.crateforge.artifact.service.validation;

/** The uploaded bytes are not an artifact of their kind; the message says precisely why. */
public class InvalidArtifact extends Exception {

    public InvalidArtifact(String detail) {
        super(detail, null, false, false);
    }

    /**
     * A name taken from the artifact, fit for a detail: at most 80 characters, control characters
     * escaped, so that a hostile name neither floods a log line nor breaks it.
     */
    static String quote(String name) {
        StringBuilder out = new StringBuilder("'");
        int shown = 0;
        for (int i = 0; i < name.length() && shown < 80; i++, shown++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (name.length() > 80) {
            out.append('…');
        }
        return out.append('\'').toString();
    }
}
