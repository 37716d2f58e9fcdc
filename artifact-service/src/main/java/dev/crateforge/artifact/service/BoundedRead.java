package dev.crateforge.artifact.service;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Bytes counted and cut off at a limit or a deadline: what keeps reading a hostile artifact (a gzip
 * bomb, a slow store) bounded in bytes and time. Skipped bytes are read, so they count too.
 */
public final class BoundedRead extends FilterInputStream {

    /** Reading stopped at a bound; the message says which. */
    public static final class Cut extends IOException {
        Cut(String reason) {
            super(reason, null);
        }
    }

    private final long limit;
    private final Deadline deadline;
    private long count;

    public BoundedRead(InputStream in, long limit, Deadline deadline) {
        super(in);
        this.limit = limit;
        this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (deadline.passed()) {
            throw new Cut("the comparison ran out of time");
        }
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
            if (count > limit) {
                throw new Cut("more than " + limit + " bytes to read");
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(Math.max(n, 1), 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }
}
