package dev.crateforge.artifact.service;

import dev.crateforge.artifact.service.validation.CheckPipe;
import dev.crateforge.artifact.service.validation.CheckPipe.ReaderState;
import dev.crateforge.artifact.service.validation.InvalidArtifact;
import dev.crateforge.protocol.contract.UploadOutcome;
import io.quarkus.logging.Log;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The content check of one large upload, run on a thread of its own while the body streams to the
 * store: the body is read from the socket once, and its bytes reach the validator through a {@link
 * CheckPipe} on their way to the store. The verdict is taken before the row is written, as for an
 * artifact checked in memory; a refusal found early stops the upload at the next bytes instead of
 * after the whole body was stored.
 *
 * <p>Whatever way the upload ends, {@link #close()} ends the check: its thread goes back to the
 * bounded pool, never waiting on a body that will not come.
 */
public final class StreamedCheck implements AutoCloseable {

    /** What a validator of one kind does with the bytes. */
    @FunctionalInterface
    interface Validator {
        void check(InputStream artifact) throws InvalidArtifact;
    }

    /** Longest {@link #close()} waits for a check it stopped to give its thread back. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final CheckPipe pipe;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile InvalidArtifact refusal;
    private volatile RuntimeException failure;

    private StreamedCheck(CheckPipe pipe, Validator validator, ExecutorService threads) {
        this.pipe = pipe;
        threads.execute(() -> run(validator));
    }

    /**
     * Starts checking a body on one of {@code threads}.
     *
     * @throws Rejection {@code unavailable} when every thread of the pool is checking already
     */
    static StreamedCheck start(CheckPipe pipe, Validator validator, ExecutorService threads) {
        try {
            return new StreamedCheck(pipe, validator, threads);
        } catch (RejectedExecutionException e) {
            throw Rejection.of(
                    UploadOutcome.UNAVAILABLE,
                    "the service is checking as many large artifacts as it may at once; retry");
        }
    }

    private void run(Validator validator) {
        try {
            validator.check(pipe.reader());
            pipe.readerEnded(ReaderState.DONE);
        } catch (InvalidArtifact e) {
            refusal = e;
            pipe.readerEnded(ReaderState.STOPPED);
        } catch (CheckPipe.Aborted e) {
            // The upload ended first (cut off, store failed, refused elsewhere): no verdict needed.
            pipe.readerEnded(ReaderState.STOPPED);
        } catch (RuntimeException e) {
            failure = e;
            pipe.readerEnded(ReaderState.STOPPED);
        } finally {
            // An Error too must not leave the upload waiting for room: no-op after a verdict.
            pipe.readerEnded(ReaderState.STOPPED);
            ended.countDown();
        }
    }

    /**
     * The body as the store client reads it, each byte passed to the check once as it goes by (the
     * hashing source neither skips nor rewinds). Stops with {@link CheckPipe.ReaderStopped}
     * (unchecked, so the client does not retry) once the check refused.
     */
    public InputStream tee(HashingInputStream body) {
        return new FilterInputStream(body) {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] bytes, int offset, int count) throws IOException {
                int n = in.read(bytes, offset, count);
                if (n > 0) {
                    pipe.write(bytes, offset, n);
                }
                return n;
            }
        };
    }

    /** The refusal the check came to already, if any: an upload that failed reports it first. */
    public Optional<Rejection> refusal() {
        InvalidArtifact found = refusal;
        return Optional.ofNullable(found)
                .map(r -> Rejection.of(UploadOutcome.INVALID_ARTIFACT, r.getMessage()));
    }

    /** True when {@code failure} of the store client is this check stopping the upload. */
    static boolean stoppedTheUpload(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CheckPipe.ReaderStopped) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why the check stopped the upload (see {@link #stoppedTheUpload}): what it refused, how it
     * failed, or that it fell behind. Both fields are set before the pipe tells the writer, under
     * the pipe's lock, so the writer sees them.
     */
    public RuntimeException whyStopped() {
        Optional<Rejection> refused = refusal();
        if (refused.isPresent()) {
            return refused.get();
        }
        if (failure != null) {
            return new IllegalStateException("the content check failed", failure);
        }
        return Rejection.of(
                UploadOutcome.UNAVAILABLE,
                "the content check fell behind the upload; nothing was kept, retry");
    }

    /**
     * Call once the whole body was read: lets the check read to the end and waits for its verdict.
     *
     * @throws Rejection {@code invalid_artifact} when it refused; {@code unavailable} when it took
     *     longer than {@code max}
     * @throws IllegalStateException when the validator itself failed (a fault of this service)
     */
    public void awaitVerdict(Duration max) {
        pipe.finish();
        try {
            if (!ended.await(max.toNanos(), TimeUnit.NANOSECONDS)) {
                throw Rejection.of(
                        UploadOutcome.UNAVAILABLE,
                        "the content check did not finish in time; nothing was kept, retry");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Rejection.of(
                    UploadOutcome.UNAVAILABLE, "the content check was interrupted; retry");
        }
        Optional<Rejection> refused = refusal();
        if (refused.isPresent()) {
            throw refused.get();
        }
        if (failure != null) {
            throw new IllegalStateException("the content check failed", failure);
        }
    }

    /** Stops a check still running (the upload ended without its verdict) and frees its thread. */
    @Override
    public void close() {
        if (ended.getCount() == 0) {
            return;
        }
        // Wakes the check wherever it waits for bytes; it waits nowhere else.
        pipe.abort();
        try {
            if (!ended.await(STOP_WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
                // It stops at its next read of the aborted pipe; only a validator stuck without
                // reading could hold its thread longer.
                Log.warnf("A content check did not stop within %s", STOP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
