package dev.crateforge.protocol.ssh;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Writer of the SSH wire encoding, the counterpart of {@link SshWireReader}. Used to build key
 * blobs, SSHSIG blobs and the exact bytes that get signed.
 */
final class SshWireWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    SshWireWriter uint32(long value) {
        out.write((int) (value >>> 24) & 0xff);
        out.write((int) (value >>> 16) & 0xff);
        out.write((int) (value >>> 8) & 0xff);
        out.write((int) value & 0xff);
        return this;
    }

    SshWireWriter raw(byte[] bytes) {
        out.write(bytes, 0, bytes.length);
        return this;
    }

    SshWireWriter string(byte[] bytes) {
        uint32(bytes.length);
        return raw(bytes);
    }

    SshWireWriter string(String utf8) {
        return string(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a non-negative {@code mpint} in its minimal two's-complement form. */
    SshWireWriter mpint(BigInteger value) {
        // BigInteger.toByteArray() is already minimal and adds the 0x00 that keeps the sign bit
        // clear; zero must be the empty string, not a single 0x00.
        return string(value.signum() == 0 ? new byte[0] : value.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
