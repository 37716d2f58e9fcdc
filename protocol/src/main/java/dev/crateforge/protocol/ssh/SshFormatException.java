package dev.crateforge.protocol.ssh;

/**
 * The one checked exception of this package: the input (a key, a signature, a wire field) is
 * malformed, unsupported or refused by policy.
 *
 * <p>Callers handle exactly one exception type at the boundary where untrusted text enters, so no
 * runtime exception of the parser or of the crypto provider can leak into a request handler. The
 * message says what is wrong and never contains key material or signature bytes; strings taken from
 * the input are quoted through {@link #describe(String)} so a hostile value cannot forge log lines.
 */
public class SshFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Longest piece of untrusted text repeated in a message. */
    private static final int MAX_QUOTED = 64;

    public SshFormatException(String message) {
        super(message);
    }

    public SshFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Quotes an untrusted value for an error message: printable ASCII only (anything else becomes
     * {@code ?}) and at most 64 characters, so the message stays one short line.
     */
    static String describe(String untrusted) {
        if (untrusted == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder();
        int n = Math.min(untrusted.length(), MAX_QUOTED);
        for (int i = 0; i < n; i++) {
            char c = untrusted.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (untrusted.length() > MAX_QUOTED) {
            out.append("...");
        }
        return out.toString();
    }
}
