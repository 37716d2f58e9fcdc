package dev.crateforge.artifact.service;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes an upload through while computing its SHA-256 and counting its bytes, so that the bytes of
 * a large upload go to S3 once and are never held in memory. Refuses to read past {@code limit}: an
 * upload can never write more than it declared.
 */
public final class HashingInputStream extends FilterInputStream {

    private final MessageDigest digest;
    private final long limit;
    private long count;
    private boolean endedEarly;

    public HashingInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public int read() throws IOException {
        if (count >= limit) {
            return -1;
        }
        int b;
        try {
            b = super.read();
        } catch (IOException e) {
            endedEarly = true;
            throw e;
        }
        if (b >= 0) {
            digest.update((byte) b);
            count++;
        } else {
            endedEarly = true;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (count >= limit) {
            return -1;
        }
        int n;
        try {
            n = super.read(buffer, offset, (int) Math.min(length, limit - count));
        } catch (IOException e) {
            endedEarly = true;
            throw e;
        }
        if (n > 0) {
            digest.update(buffer, offset, n);
            count += n;
        } else if (n < 0) {
            endedEarly = true;
        }
        return n;
    }

    @Override
    public long skip(long n) {
        // Skipped bytes would not be hashed.
        return 0;
    }

    @Override
    public boolean markSupported() {
        // A reset would hash bytes twice.
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {}

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    /** Reads whatever is left, for an upload whose bytes are only compared, not stored. */
    public void drain() throws IOException {
        byte[] buffer = new byte[64 * 1024];
        while (read(buffer, 0, buffer.length) >= 0) {
            // only hashing
        }
    }

    /**
     * True when the source failed or ended before {@code limit} bytes: the sender's body was cut
     * short. False when the reader merely stopped reading (a store that failed), so the two are
     * never confused.
     */
    public boolean endedEarly() {
        return endedEarly;
    }

    /** Bytes read so far. */
    public long count() {
        return count;
    }

    /** The SHA-256 of the bytes read, as 64 lowercase hex digits; call once, at the end. */
    public String sha256Hex() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
