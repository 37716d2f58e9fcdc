package dev.crateforge.protocol.contract;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Text limits of the protocol are counted in UTF-8 bytes, the unit of the wire and of every frame
 * limit, never in UTF-16 units: a line of 9,000 emoji is 36,000 bytes, not 18,000 "characters".
 * Cuts fall on code point boundaries, so a cut text is still valid UTF-8.
 */
public final class TextLimits {

    /** The largest log line in UTF-8 bytes; builders split longer lines at this size. */
    public static final int MAX_LOG_LINE_BYTES = 16 * 1024;

    /** Appended to a line the gateway had to cut because its builder did not split it. */
    public static final String CUT_MARKER = " [line cut at " + MAX_LOG_LINE_BYTES + " bytes]";

    private TextLimits() {}

    /** The UTF-8 length of {@code text}, without encoding it. */
    public static int utf8Length(CharSequence text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The longest prefix of {@code text} of at most {@code maxBytes} UTF-8 bytes. */
    public static String cutUtf8(String text, int maxBytes) {
        int end = prefixEnd(text, 0, maxBytes);
        return end == text.length() ? text : text.substring(0, end);
    }

    /**
     * A log line as the gateway forwards it: unchanged when it fits, else cut on a code point
     * boundary with {@link #CUT_MARKER} so that the reader sees that something is missing.
     */
    public static String fitLogLine(String line) {
        if (utf8Length(line) <= MAX_LOG_LINE_BYTES) {
            return line;
        }
        int markerBytes = CUT_MARKER.getBytes(StandardCharsets.UTF_8).length;
        return cutUtf8(line, MAX_LOG_LINE_BYTES - markerBytes) + CUT_MARKER;
    }

    /**
     * A line split into pieces of at most {@code maxBytes} UTF-8 bytes each, on code point
     * boundaries: how a builder sends a line longer than {@link #MAX_LOG_LINE_BYTES}. An empty line
     * is one empty piece.
     */
    public static List<String> splitUtf8(String line, int maxBytes) {
        if (maxBytes < 4) {
            throw new IllegalArgumentException("a piece must hold at least one code point");
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        do {
            int end = prefixEnd(line, start, maxBytes);
            pieces.add(line.substring(start, end));
            start = end;
        } while (start < line.length());
        return pieces;
    }

    /** The end index of the longest run from {@code start} of at most {@code maxBytes} bytes. */
    private static int prefixEnd(String text, int start, int maxBytes) {
        int bytes = 0;
        int i = start;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            i += Character.charCount(codePoint);
        }
        return i;
    }
}
