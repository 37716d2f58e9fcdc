package dev.crateforge.artifact.service;

import dev.crateforge.artifact.config.ArtifactConfig;
import dev.crateforge.artifact.repository.JobAttempt;
import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.artifact.security.JobToken;
import dev.crateforge.artifact.security.JobTokenVerifier;
import dev.crateforge.protocol.contract.UploadOutcome;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Accepts one artifact upload: checks the job token and that its attempt is live, streams the body
 * to S3 while hashing it, and records the artifact only once the bytes are complete, their SHA-256
 * checks out and they are an artifact of their kind ({@link ArtifactValidation}, checked while they
 * stream for a large artifact, from the one read of the body). Every refusal is an {@link
 * UploadOutcome} of the protocol's table.
 *
 * <p>Not transactional on purpose: an upload of gigabytes must not hold a database connection. The
 * row is written in one short transaction at the end, and the row (not the object) is what makes
 * the artifact visible; its {@code ArtifactStored} record is written to the outbox in that same
 * transaction, so the upload is answered once it commits, whether the broker is up or not. A single
 * S3 PUT is atomic, so an upload cut off half way never creates an object; an object whose hash or
 * contents do not check out, or that loses a race, is deleted at once.
 */
@ApplicationScoped
public class UploadService {

    /** The SDK's mark limit for a streamed body (IoUtils.markStreamWithMaxReadLimit): 128 KiB. */
    private static final int RETRY_MARK_LIMIT = 128 * 1024;

    /**
     * Uploads up to this size (metadata, small binaries) are held in memory: checked before they
     * are stored, with no read-back. Small enough that a worker pool full of them stays far below
     * the heap.
     */
    private static final int IN_MEMORY_MAX_BYTES = 64 * 1024;

    private static final Pattern SHA256_ANY_CASE = Pattern.compile("[0-9a-fA-F]{64}");

    private final JobTokenVerifier tokens;
    private final ArtifactCatalog catalog;
    private final ArtifactValidation validation;
    private final S3Client s3;
    private final ArtifactConfig config;
    private final ArtifactMetrics metrics;

    public UploadService(
            JobTokenVerifier tokens,
            ArtifactCatalog catalog,
            ArtifactValidation validation,
            S3Client s3,
            ArtifactConfig config,
            ArtifactMetrics metrics) {
        this.tokens = tokens;
        this.catalog = catalog;
        this.validation = validation;
        this.s3 = s3;
        this.config = config;
        this.metrics = metrics;
    }

    /** What an upload ended with: the stored artifact, and whether this request stored it. */
    public record Outcome(StoredArtifact artifact, boolean created) {}

    /**
     * Handles {@code PUT /api/v1/jobs/{jobId}/artifacts/{kind}}.
     *
     * @param contentLength the request's Content-Length, null if it had none
     * @param declaredSha256 the client's {@code X-Checksum-Sha256}, null if absent
     * @throws Rejection for every refusal, with its status and reason
     */
    public Outcome upload(
            UUID jobId,
            ArtifactKind kind,
            String authorization,
            Long contentLength,
            String declaredSha256,
            InputStream body) {
        Timer.Sample timer = metrics.uploadStarted();
        String outcome = "failed";
        try {
            Outcome result =
                    accept(jobId, kind, authorization, contentLength, declaredSha256, body);
            outcome = result.created() ? "stored" : "same";
            return result;
        } catch (Rejection r) {
            outcome = "rejected";
            throw r;
        } finally {
            metrics.uploadFinished(timer, kind.wireName(), outcome);
        }
    }

    private Outcome accept(
            UUID jobId,
            ArtifactKind kind,
            String authorization,
            Long contentLength,
            String declaredSha256,
            InputStream body) {
        JobToken token = tokens.verify(authorization);
        if (!token.jobId().equals(jobId)) {
            throw Rejection.of(UploadOutcome.TOKEN_JOB, "the job token is for another job");
        }
        if (!token.kinds().contains(kind)) {
            throw Rejection.of(
                    UploadOutcome.KIND_NOT_ALLOWED,
                    "the job token does not allow uploading " + kind);
        }
        long length = checkLength(kind, contentLength);
        String declared = checkDeclaredHash(declaredSha256);
        Build build = checkAttempt(token);

        Optional<StoredArtifact> existing = catalog.ofAttempt(jobId, token.attempt(), kind);
        if (existing.isPresent()) {
            // Compare without storing: the same bytes again are a retry, different bytes a
            // conflict.
            HashingInputStream hashing = new HashingInputStream(body, length);
            try {
                hashing.drain();
            } catch (IOException e) {
                throw incomplete(hashing, length);
            }
            String sha256 = complete(hashing, length, declared);
            return sameOrConflict(existing.get(), sha256);
        }

        String key =
                ObjectKeys.forUpload(
                        config.s3().keyPrefix(),
                        build.crate(),
                        build.version(),
                        build.target(),
                        jobId,
                        token.attempt(),
                        kind,
                        UUID.randomUUID());
        HashingInputStream hashing = new HashingInputStream(body, length);
        String sha256;
        if (length <= IN_MEMORY_MAX_BYTES) {
            sha256 = storeSmall(kind, key, length, declared, build, hashing);
        } else {
            sha256 = storeStreamed(kind, jobId, key, length, declared, build, hashing);
        }

        StoredArtifact artifact = new StoredArtifact();
        artifact.jobId = jobId;
        artifact.attempt = token.attempt();
        artifact.crate = build.crate();
        artifact.version = build.version();
        artifact.target = build.target();
        artifact.kind = kind.wireName();
        artifact.size = length;
        artifact.sha256 = sha256;
        artifact.s3Key = key;
        // Microseconds: what PostgreSQL keeps, so the answer equals what a later read returns.
        artifact.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Optional<StoredArtifact> winner;
        try {
            winner = catalog.recordOrFindExisting(artifact);
        } catch (RuntimeException e) {
            deleteQuietly(key);
            throw e;
        }
        if (winner.isPresent()) {
            // Another upload of the same attempt and kind got there first.
            deleteQuietly(key);
            return sameOrConflict(winner.get(), sha256);
        }
        metrics.bytesIn(length);
        Log.infof(
                "Stored %s of job %s attempt %d: %d bytes, sha256 %s",
                kind, jobId, artifact.attempt, length, sha256);
        return new Outcome(artifact, true);
    }

    /**
     * A small artifact: read whole, hashed and checked in memory, then stored with one PUT, so that
     * its check needs no read-back from the store, and an artifact refused by the check never
     * reaches it.
     */
    private String storeSmall(
            ArtifactKind kind,
            String key,
            long length,
            String declared,
            Build build,
            HashingInputStream hashing) {
        byte[] bytes;
        try {
            bytes = hashing.readAllBytes();
        } catch (IOException e) {
            throw incomplete(hashing, length);
        }
        String sha256 = complete(hashing, length, declared);
        validation.check(kind, bytes, build.crate(), build.version());
        try {
            s3.putObject(
                    put -> put.bucket(bucket()).key(key).contentType(kind.mediaType()),
                    RequestBody.fromBytes(bytes));
        } catch (SdkException | UncheckedIOException e) {
            // UncheckedIOException: a connection the store dropped, should it surface unwrapped;
            // a fault of the store is retriable, never the build's.
            deleteQuietly(key);
            Log.errorf("Storing %s under %s failed: %s", kind, key, e.getMessage());
            throw Rejection.of(UploadOutcome.STORAGE_FAILED, "the artifact store failed; retry");
        }
        return sha256;
    }

    /**
     * A large artifact: streamed to the store while hashed and, from the same read of the body,
     * checked on a thread of its own ({@link StreamedCheck}). A refusal found early stops the PUT
     * at once; the verdict, like the hash, decides before the row is written.
     */
    private String storeStreamed(
            ArtifactKind kind,
            UUID jobId,
            String key,
            long length,
            String declared,
            Build build,
            HashingInputStream hashing) {
        try (StreamedCheck check =
                validation.whileStreaming(kind, length, build.crate(), build.version())) {
            try {
                s3.putObject(
                        put -> put.bucket(bucket()).key(key).contentType(kind.mediaType()),
                        RequestBody.fromInputStream(rewindable(check.tee(hashing)), length));
            } catch (RuntimeException e) {
                // SdkException, or UncheckedIOException when the SDK's retry could not reset the
                // buffer: an SDK retry after more than the mark limit was sent cannot rewind the
                // socket, and the builder repeats the whole upload (503 storage_failed). Or the
                // check's own stop, which is not the store's fault.
                deleteQuietly(key);
                Optional<Rejection> refused = check.refusal();
                if (refused.isPresent()) {
                    throw refused.get();
                }
                if (StreamedCheck.stoppedTheUpload(e)) {
                    throw check.whyStopped();
                }
                // Only the body's own end counts: a store that fails stops reading it (S3Proxy
                // answers a missing bucket at once), and that is its failure, not the client's.
                if (hashing.endedEarly()) {
                    throw incomplete(hashing, length);
                }
                Log.errorf("Storing %s of job %s failed: %s", kind, jobId, e.getMessage());
                throw Rejection.of(
                        UploadOutcome.STORAGE_FAILED, "the artifact store failed; retry");
            }
            try {
                String sha256 = complete(hashing, length, declared);
                // Before the row: an artifact that is not what its kind promises is never visible.
                check.awaitVerdict(validation.verdictWait());
                return sha256;
            } catch (RuntimeException e) {
                deleteQuietly(key);
                throw e;
            }
        }
    }

    private long checkLength(ArtifactKind kind, Long contentLength) {
        if (contentLength == null) {
            throw Rejection.of(
                    UploadOutcome.LENGTH_REQUIRED,
                    "an upload needs a Content-Length header (chunked uploads are not accepted)");
        }
        if (contentLength < 0) {
            throw Rejection.of(UploadOutcome.BAD_LENGTH, "Content-Length must not be negative");
        }
        long max = config.limits().maxBytes(kind);
        if (contentLength > max) {
            throw Rejection.of(
                    UploadOutcome.TOO_LARGE,
                    "a " + kind + " artifact may have at most " + max + " bytes");
        }
        return contentLength;
    }

    private static String checkDeclaredHash(String declared) {
        if (declared == null || declared.isEmpty()) {
            return null;
        }
        if (!SHA256_ANY_CASE.matcher(declared).matches()) {
            throw Rejection.of(
                    UploadOutcome.BAD_CHECKSUM_HEADER,
                    "X-Checksum-Sha256 must be 64 hexadecimal digits");
        }
        return declared.toLowerCase(Locale.ROOT);
    }

    /** What an artifact is stored under: the crate, version and target of the attempt. */
    private record Build(String crate, String version, String target) {}

    /**
     * Refuses the upload only when the local copy of the job states proves the token's attempt is
     * over: a newer attempt is known, this attempt is known to have ended, or it is known to be
     * held by another builder. A job not known yet, or known only at an older attempt, is accepted:
     * the signed, short-lived token is the proof, and its {@code assigned} record may simply still
     * be on its way (a fast job uploads within milliseconds of its assignment).
     */
    private Build checkAttempt(JobToken token) {
        Optional<JobAttempt> known = catalog.job(token.jobId());
        if (known.isPresent()) {
            JobAttempt job = known.get();
            if (job.attempt > token.attempt()) {
                throw Rejection.of(
                        UploadOutcome.ATTEMPT_NOT_LIVE,
                        "attempt "
                                + token.attempt()
                                + " of job "
                                + token.jobId()
                                + " was replaced by attempt "
                                + job.attempt);
            }
            if (job.attempt == token.attempt()) {
                JobState state = JobState.fromWireName(job.state);
                if (state.isFinal()) {
                    throw Rejection.of(
                            UploadOutcome.ATTEMPT_NOT_LIVE,
                            "attempt "
                                    + token.attempt()
                                    + " of job "
                                    + token.jobId()
                                    + " has ended ("
                                    + state
                                    + ")");
                }
                if (job.builderId != null && !job.builderId.equals(token.builderId())) {
                    throw Rejection.of(
                            UploadOutcome.ATTEMPT_NOT_LIVE,
                            "the job attempt is held by another builder");
                }
            }
        }
        if (token.describesAttempt()) {
            return new Build(token.crate(), token.version(), token.target());
        }
        // A token of a scheduler that does not describe the attempt yet: only local state can.
        return known.map(job -> new Build(job.crate, job.version, job.target))
                .orElseThrow(
                        () ->
                                Rejection.of(
                                        UploadOutcome.UNAVAILABLE,
                                        "job "
                                                + token.jobId()
                                                + " is not known yet and the token does not"
                                                + " describe it; retry"));
    }

    private static String complete(HashingInputStream hashing, long length, String declared) {
        if (hashing.count() < length) {
            throw incomplete(hashing, length);
        }
        String sha256 = hashing.sha256Hex();
        if (declared != null && !declared.equals(sha256)) {
            throw Rejection.of(
                    UploadOutcome.HASH_MISMATCH,
                    "the uploaded bytes have SHA-256 " + sha256 + ", not the declared " + declared);
        }
        return sha256;
    }

    private static Rejection incomplete(HashingInputStream hashing, long length) {
        return Rejection.of(
                UploadOutcome.UPLOAD_INCOMPLETE,
                "the upload ended after " + hashing.count() + " of " + length + " bytes");
    }

    private Outcome sameOrConflict(StoredArtifact existing, String sha256) {
        if (!existing.sha256.equals(sha256)) {
            throw Rejection.of(
                    UploadOutcome.CONFLICT,
                    "attempt "
                            + existing.attempt
                            + " of job "
                            + existing.jobId
                            + " already stored a different "
                            + existing.kind
                            + " artifact (sha256 "
                            + existing.sha256
                            + ")");
        }
        // The row's ArtifactStored went into the outbox with it; once more costs one insert and
        // also covers rows stored before the outbox, whose announcement may have failed then.
        catalog.announceAgain(existing);
        return new Outcome(existing, false);
    }

    /**
     * The body as the SDK's retry can rewind it, within {@link #RETRY_MARK_LIMIT}: the SDK marks
     * the stream with that limit before the first attempt, so a retry after a stale connection
     * (which fails before or soon after the first body bytes) re-sends from this buffer instead of
     * failing with "does not support mark/reset". Sound because the hash, the count and the content
     * check's tee sit below the buffer: bytes re-sent from it are never hashed, counted or checked
     * twice. Heap per upload stays flat.
     */
    private static InputStream rewindable(InputStream body) {
        return new BufferedInputStream(body, RETRY_MARK_LIMIT);
    }

    private void deleteQuietly(String key) {
        try {
            s3.deleteObject(d -> d.bucket(bucket()).key(key));
            // Some S3 servers (S3Proxy's filesystem store among them) leave a partial file named
            // after the key of an aborted PUT; the key holds a fresh upload id, so everything under
            // it is this upload's own leftover.
            s3.listObjectsV2(l -> l.bucket(bucket()).prefix(key))
                    .contents()
                    .forEach(o -> s3.deleteObject(d -> d.bucket(bucket()).key(o.key())));
        } catch (SdkException e) {
            // The object is invisible without a row; it only wastes space until cleaned up.
            Log.warnf("Could not delete unrecorded object %s: %s", key, e.getMessage());
        }
    }

    private String bucket() {
        return config.s3().bucket();
    }
}
