package dev.crateforge.scheduler.support;

import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.submission.JobSubmission;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Valid inputs to start from; each test changes what it is about. */
public final class Fixtures {

    public static final String SHA = "a".repeat(64);
    public static final String FINGERPRINT = "SHA256:" + "A".repeat(43);
    public static final String PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZha2U test";

    private Fixtures() {}

    public static JobSubmission job(String crate, String version, String target) {
        return new JobSubmission(
                crate,
                version,
                "https://static.crates.example/crates/" + crate + "/" + version + ".crate",
                SHA,
                target,
                "binary",
                null,
                null);
    }

    public static JobRequested request(UUID builder, String connection, String target, int slots) {
        return new JobRequested(
                builder, connection, "gateway-1", List.of(target), slots, null, Instant.now());
    }

    /** A request of a builder whose operator limits it to {@code limit} jobs at once. */
    public static JobRequested request(
            UUID builder, String connection, String target, int slots, int limit) {
        return new JobRequested(
                builder, connection, "gateway-1", List.of(target), slots, limit, Instant.now());
    }

    /** A failed completion of the job's current attempt with {@code code}. */
    public static JobActivity.Completed failure(
            Job job, UUID builder, dev.crateforge.protocol.contract.FailureCode code) {
        JobActivity.Completed ok = completion(job, builder, List.of());
        return new JobActivity.Completed(
                job.id,
                job.attempt,
                builder,
                JobResult.FAILED,
                "failed with " + code,
                code,
                List.of(),
                ok.statement(),
                ok.signature(),
                ok.builderPublicKey(),
                Instant.now());
    }

    public static ArtifactDigest digest(ArtifactKind kind, String sha, long size) {
        return new ArtifactDigest(kind, sha, size);
    }

    /** A completion whose statement agrees with the job. */
    public static JobActivity.Completed completion(
            Job job, UUID builder, List<ArtifactDigest> artifacts) {
        String statement =
                new BuildStatement(
                                job.id,
                                job.attempt,
                                FINGERPRINT,
                                job.crate,
                                job.version,
                                job.target,
                                job.kind,
                                job.sourceSha256,
                                JobResult.SUCCEEDED,
                                artifacts)
                        .render();
        return new JobActivity.Completed(
                job.id,
                job.attempt,
                builder,
                JobResult.SUCCEEDED,
                null,
                null,
                artifacts,
                statement,
                "-----BEGIN SSH SIGNATURE-----\nZmFrZQ==\n-----END SSH SIGNATURE-----\n",
                PUBLIC_KEY,
                Instant.now());
    }
}
