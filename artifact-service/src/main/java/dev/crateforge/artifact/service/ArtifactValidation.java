package dev.crateforge.artifact.service;

import dev.crateforge.artifact.config.ArtifactConfig;
import dev.crateforge.artifact.service.validation.BinaryArchiveValidator;
import dev.crateforge.artifact.service.validation.CheckPipe;
import dev.crateforge.artifact.service.validation.InvalidArtifact;
import dev.crateforge.artifact.service.validation.MetadataValidator;
import dev.crateforge.protocol.contract.UploadOutcome;
import dev.crateforge.protocol.job.ArtifactKind;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks that an upload is an artifact of its kind before it is recorded: the {@code metadata} of
 * the job's crate and version ({@link MetadataValidator}), a {@code binary} archive of the
 * builder's layout ({@link BinaryArchiveValidator}).
 *
 * <p>A small artifact (see {@code UploadService}) is checked in memory before it is stored. A large
 * one is checked while it streams to the store ({@link StreamedCheck}), on a thread of a bounded
 * pool, from the same single read of the body: the store is never read back, and the heap holds at
 * most {@link #PIPE_BYTES} of it per upload.
 */
@ApplicationScoped
public class ArtifactValidation {

    /**
     * Bytes held between an upload and its check: a few of the store client's 128 KiB reads, so
     * neither side waits on the other's every read.
     */
    static final int PIPE_BYTES = 512 * 1024;

    /**
     * Longest an upload waits for its check to take any bytes, and for the verdict once the body is
     * complete. The check reads as fast as it inflates (far faster than the store writes), so
     * reaching this means a machine too loaded to finish the upload well: the upload is answered
     * {@code unavailable} and retried.
     */
    private static final Duration STALL = Duration.ofSeconds(60);

    private final MetadataValidator metadata = new MetadataValidator();
    private final BinaryArchiveValidator binary;
    private final ThreadPoolExecutor checks;

    public ArtifactValidation(ArtifactConfig config) {
        this.binary =
                new BinaryArchiveValidator(
                        config.limits().binaryMaxEntries(),
                        config.limits().binaryMaxUnpackedBytes());
        int threads = config.limits().concurrentChecks();
        AtomicInteger number = new AtomicInteger();
        // No queue: a check waiting for a thread would hold its upload's body back; one over the
        // bound is refused at once. Idle threads end, so a quiet service holds none.
        this.checks =
                new ThreadPoolExecutor(
                        threads,
                        threads,
                        30,
                        TimeUnit.SECONDS,
                        new SynchronousQueue<>(),
                        r -> {
                            Thread t = new Thread(r, "artifact-check-" + number.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        this.checks.allowCoreThreadTimeOut(true);
    }

    @PreDestroy
    void stop() {
        checks.shutdownNow();
    }

    /**
     * Starts checking a large artifact of {@code length} bytes; pass its body through {@link
     * StreamedCheck#tee} on its way to the store.
     *
     * @throws Rejection {@code unavailable} when as many checks as allowed are running
     */
    public StreamedCheck whileStreaming(
            ArtifactKind kind, long length, String crate, String version) {
        return StreamedCheck.start(
                new CheckPipe(PIPE_BYTES, length, STALL),
                in -> validate(kind, in, crate, version),
                checks);
    }

    /** Longest an upload waits for the verdict of its {@link StreamedCheck} after its last byte. */
    public Duration verdictWait() {
        return STALL;
    }

    /** Checks running now: each holds a thread until its upload ends, however it ends. */
    public int running() {
        return checks.getActiveCount();
    }

    /**
     * Checks an artifact small enough to be held in memory, before it is stored.
     *
     * @throws Rejection {@code invalid_artifact} when it is not an artifact of {@code kind} for
     *     this crate and version
     */
    public void check(ArtifactKind kind, byte[] artifact, String crate, String version) {
        try {
            validate(kind, new ByteArrayInputStream(artifact), crate, version);
        } catch (InvalidArtifact e) {
            throw Rejection.of(UploadOutcome.INVALID_ARTIFACT, e.getMessage());
        }
    }

    private void validate(ArtifactKind kind, InputStream in, String crate, String version)
            throws InvalidArtifact {
        switch (kind) {
            case METADATA -> metadata.check(in, crate, version);
            case BINARY -> binary.check(in);
        }
    }
}
