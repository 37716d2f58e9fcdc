package dev.crateforge.artifact.service;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One satisfiable byte range of an artifact, from an HTTP {@code Range} header (RFC 9110 §14). Only
 * single ranges are served; a header with several ranges, or one this parser does not understand,
 * is ignored and the whole artifact is sent, as the RFC allows.
 *
 * @param first the first byte, inclusive
 * @param last the last byte, inclusive
 */
public record ByteRange(long first, long last) {

    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

    /** The number of bytes in the range. */
    public long length() {
        return last - first + 1;
    }

    /** The {@code Content-Range} value for an artifact of {@code size} bytes. */
    public String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /** The {@code Range} value of an S3 GetObject request. */
    public String header() {
        return "bytes=" + first + "-" + last;
    }

    /**
     * The range the header asks for within {@code size} bytes; empty if there is no header or it is
     * to be ignored.
     *
     * @throws Rejection 416 if the range lies outside the artifact
     */
    public static Optional<ByteRange> parse(String header, long size) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return Optional.empty();
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || size == 0) {
                    throw unsatisfiable(size);
                }
                return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
            if (last < first) {
                return Optional.empty();
            }
            if (first >= size) {
                throw unsatisfiable(size);
            }
            return Optional.of(new ByteRange(first, Math.min(last, size - 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Rejection unsatisfiable(long size) {
        return new RangeNotSatisfiable(size);
    }

    /** A 416 answer; carries the size for the {@code Content-Range: bytes *\/size} header. */
    public static final class RangeNotSatisfiable extends Rejection {
        private final long size;

        RangeNotSatisfiable(long size) {
            super(ReadRefusal.RANGE_NOT_SATISFIABLE, "the artifact has " + size + " bytes");
            this.size = size;
        }

        public long size() {
            return size;
        }
    }
}
