package dev.crateforge.protocol.ssh;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked reader of the SSH wire encoding (RFC 4251 section 5): {@code uint32}, {@code
 * string}, {@code mpint}.
 *
 * <p>Every length read from the input is checked against both the bytes that remain and a caller
 * supplied maximum before anything is allocated, so a hostile length field can neither read out of
 * bounds nor make us allocate gigabytes. Every failure is a {@link SshFormatException} naming the
 * field.
 */
final class SshWireReader {
    private final byte[] data;
    private int pos;

    SshWireReader(byte[] data) {
        this.data = data;
    }

    int remaining() {
        return data.length - pos;
    }

    /** Reads a {@code uint32}; the result is in {@code [0, 2^32)}. */
    long readUint32(String field) throws SshFormatException {
        need(4, field);
        long v =
                ((data[pos] & 0xffL) << 24)
                        | ((data[pos + 1] & 0xffL) << 16)
                        | ((data[pos + 2] & 0xffL) << 8)
                        | (data[pos + 3] & 0xffL);
        pos += 4;
        return v;
    }

    /** Reads {@code n} raw bytes (no length prefix). */
    byte[] readRaw(int n, String field) throws SshFormatException {
        need(n, field);
        byte[] out = new byte[n];
        System.arraycopy(data, pos, out, 0, n);
        pos += n;
        return out;
    }

    /** Reads a {@code string} of at most {@code maxLength} bytes. */
    byte[] readString(String field, int maxLength) throws SshFormatException {
        long len = readUint32(field + " length");
        if (len > maxLength) {
            throw new SshFormatException(
                    field + " is too long: " + len + " bytes, at most " + maxLength + " allowed");
        }
        if (len > remaining()) {
            throw new SshFormatException(
                    field
                            + " length "
                            + len
                            + " exceeds the "
                            + remaining()
                            + " bytes that remain (truncated input?)");
        }
        return readRaw((int) len, field);
    }

    /**
     * Reads a {@code string} holding an algorithm or type name: printable ASCII, no NUL, not empty.
     * OpenSSH reads these as C strings, so anything else could never match a known name.
     */
    String readName(String field, int maxLength) throws SshFormatException {
        byte[] raw = readString(field, maxLength);
        if (raw.length == 0) {
            throw new SshFormatException(field + " is empty");
        }
        for (byte b : raw) {
            if (b < 0x21 || b > 0x7e) {
                throw new SshFormatException(field + " contains a non-printable byte");
            }
        }
        return new String(raw, StandardCharsets.US_ASCII);
    }

    /** Reads a {@code string} that must be valid UTF-8 without NUL (OpenSSH's cstring rule). */
    String readUtf8(String field, int maxLength) throws SshFormatException {
        byte[] raw = readString(field, maxLength);
        for (byte b : raw) {
            if (b == 0) {
                throw new SshFormatException(field + " contains a NUL byte");
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SshFormatException(field + " is not valid UTF-8");
        }
    }

    /**
     * Reads a non-negative {@code mpint} of at most {@code maxLength} bytes. Leading zero bytes are
     * tolerated (OpenSSH strips them); callers that need a canonical encoding compare the
     * re-encoded value.
     */
    BigInteger readMpint(String field, int maxLength) throws SshFormatException {
        byte[] raw = readString(field, maxLength);
        if (raw.length > 0 && (raw[0] & 0x80) != 0) {
            throw new SshFormatException(field + " is negative");
        }
        return raw.length == 0 ? BigInteger.ZERO : new BigInteger(1, raw);
    }

    /** Fails unless all input was consumed: trailing bytes are a sign of a forged structure. */
    void requireEnd(String what) throws SshFormatException {
        if (remaining() != 0) {
            throw new SshFormatException(
                    "trailing garbage: " + remaining() + " unexpected bytes after " + what);
        }
    }

    private void need(int n, String field) throws SshFormatException {
        if (n < 0 || n > remaining()) {
            throw new SshFormatException(
                    "truncated input: "
                            + field
                            + " needs "
                            + n
                            + " bytes but only "
                            + remaining()
                            + " remain");
        }
    }
}
