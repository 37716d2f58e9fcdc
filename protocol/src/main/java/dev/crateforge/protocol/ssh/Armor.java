package dev.crateforge.protocol.ssh;

import java.util.Base64;

/**
 * The {@code -----BEGIN X-----} / base64 / {@code -----END X-----} text form used by OpenSSH for
 * private keys and signatures.
 */
final class Armor {
    private Armor() {}

    /** Encodes like OpenSSH's {@code sshbuf_dtob64}: fixed-width lines, trailing newline. */
    static String encode(String label, byte[] data, int width) {
        String b64 = Base64.getEncoder().encodeToString(data);
        StringBuilder out = new StringBuilder(b64.length() + b64.length() / width + 64);
        out.append("-----BEGIN ").append(label).append("-----\n");
        for (int i = 0; i < b64.length(); i += width) {
            out.append(b64, i, Math.min(b64.length(), i + width)).append('\n');
        }
        return out.append("-----END ").append(label).append("-----\n").toString();
    }

    /**
     * Decodes armored text. Whitespace around and inside the base64 body (CRLF line ends,
     * indentation) is tolerated; anything else outside the markers is not.
     */
    static byte[] decode(String text, String label, int maxChars) throws SshFormatException {
        if (text == null) {
            throw new SshFormatException(label.toLowerCase() + " is missing");
        }
        if (text.length() > maxChars) {
            throw new SshFormatException(label.toLowerCase() + " is too long");
        }
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        String s = text.strip();
        if (!s.startsWith(begin)) {
            throw new SshFormatException("expected " + begin);
        }
        if (!s.endsWith(end) || s.length() < begin.length() + end.length()) {
            throw new SshFormatException("expected " + end + " at the end");
        }
        return base64(s.substring(begin.length(), s.length() - end.length()), label);
    }

    /** Decodes base64 after dropping ASCII whitespace. */
    static byte[] base64(String body, String what) throws SshFormatException {
        StringBuilder b = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                b.append(c);
            }
        }
        try {
            return Base64.getDecoder().decode(b.toString());
        } catch (IllegalArgumentException e) {
            throw new SshFormatException(what.toLowerCase() + " is not valid base64");
        }
    }
}
