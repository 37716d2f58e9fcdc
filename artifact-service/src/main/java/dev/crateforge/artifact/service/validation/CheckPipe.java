package dev.crateforge.artifact.service.validation;

import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded hand-off of an upload's bytes from the thread that streams them to the store (the
 * writer) to the thread that checks them (the reader), so that a large artifact is read from the
 * socket once and checked while it streams, with at most {@code capacity} bytes held.
 *
 * <p>Unlike {@link java.io.PipedInputStream} it never polls, and each side learns at once why the
 * other stopped: the writer that the reader refused or failed ({@link ReaderStopped}, unchecked so
 * that the store client does not retry the request), the reader that the upload ended early ({@link
 * Aborted}, unchecked so that a validator, which reads every {@code IOException} as a malformed
 * artifact, cannot take it for one). A reader that finished without a refusal before the end of the
 * body (bytes after a complete archive) lets the writer go on: what is left is dropped.
 *
 * <p>The reader sees the body as a stored object of {@code length} bytes would look: {@link
 * InputStream#available()} is what is still to come, not what happens to be buffered, so a
 * validator that looks past the end of its format (gzip does, for a further member) decides the
 * same as on the bytes held in memory, whatever the timing of the two threads.
 */
public final class CheckPipe {

    /** Why the reader stopped, as the writer learns it. */
    public enum ReaderState {
        /** Still reading. */
        READING,
        /** Done without a refusal: the rest of the body is not needed. */
        DONE,
        /** Stopped on a refusal or a failure: the upload must stop too. */
        STOPPED
    }

    /** The writer is told the reader stopped on a refusal or failure, or fell behind. */
    public static final class ReaderStopped extends RuntimeException {
        ReaderStopped(String message) {
            super(message, null, false, false);
        }
    }

    /** The reader is told the upload ended before its last byte (or gave up waiting). */
    public static final class Aborted extends RuntimeException {
        Aborted(String message) {
            super(message, null, false, false);
        }
    }

    private final byte[] ring;
    private final long length;
    private final long stallNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final Reader reader = new Reader();

    private int head;
    private int size;
    private long taken;
    private boolean finished;
    private boolean aborted;
    private ReaderState readerState = ReaderState.READING;

    /**
     * @param capacity most bytes held between the two sides
     * @param length the body's declared length: what {@link InputStream#available()} counts down
     * @param stall longest the writer waits for room while the reader takes nothing
     */
    public CheckPipe(int capacity, long length, Duration stall) {
        this.ring = new byte[capacity];
        this.length = length;
        this.stallNanos = stall.toNanos();
    }

    /** The reader's side. */
    public InputStream reader() {
        return reader;
    }

    /**
     * Hands bytes to the reader, waiting for room while it is reading; drops them once it is done.
     *
     * @throws ReaderStopped when the reader refused or failed, or took nothing for the stall time
     */
    public void write(byte[] bytes, int offset, int count) {
        lock.lock();
        try {
            int written = 0;
            while (written < count) {
                if (readerState == ReaderState.DONE) {
                    return;
                }
                if (readerState == ReaderState.STOPPED) {
                    throw new ReaderStopped("the content check stopped the upload");
                }
                if (size == ring.length) {
                    awaitRoom();
                    continue;
                }
                int tail = (head + size) % ring.length;
                int n = Math.min(count - written, Math.min(ring.length - size, ring.length - tail));
                System.arraycopy(bytes, offset + written, ring, tail, n);
                size += n;
                written += n;
                readable.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void awaitRoom() {
        try {
            if (!writable.await(stallNanos, TimeUnit.NANOSECONDS)
                    && size == ring.length
                    && readerState == ReaderState.READING) {
                readerState = ReaderState.STOPPED;
                throw new ReaderStopped("the content check fell behind the upload");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReaderStopped("interrupted while the content check caught up");
        }
    }

    /** The body's last byte was written: the reader sees the end once it took what is held. */
    public void finish() {
        lock.lock();
        try {
            finished = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The upload ended early: the reader's next read throws {@link Aborted}, held bytes or not. */
    public void abort() {
        lock.lock();
        try {
            aborted = true;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Tells the writer how the reader ended; see {@link ReaderState}. */
    public void readerEnded(ReaderState state) {
        lock.lock();
        try {
            if (readerState == ReaderState.READING) {
                readerState = state;
            }
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private int read(byte[] bytes, int offset, int count) {
        if (count == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (true) {
                if (aborted) {
                    throw new Aborted("the upload ended before the content check");
                }
                if (size > 0) {
                    int n = Math.min(count, Math.min(size, ring.length - head));
                    System.arraycopy(ring, head, bytes, offset, n);
                    head = (head + n) % ring.length;
                    size -= n;
                    taken += n;
                    writable.signal();
                    return n;
                }
                if (finished) {
                    return -1;
                }
                readable.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Aborted("the content check was interrupted");
        } finally {
            lock.unlock();
        }
    }

    private int stillToCome() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(0, length - taken));
        } finally {
            lock.unlock();
        }
    }

    private final class Reader extends InputStream {

        @Override
        public int read() {
            byte[] one = new byte[1];
            return CheckPipe.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int count) {
            return CheckPipe.this.read(bytes, offset, count);
        }

        @Override
        public int available() {
            return stillToCome();
        }

        @Override
        public void close() {
            // A validator closing its parser is not a verdict: the task that ran it reports one.
        }
    }
}
