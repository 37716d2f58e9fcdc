package dev.crateforge.scheduler.support;

import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.protocol.provenance.BuildFacts;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.InternalParameters;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.Toolchain;
import dev.crateforge.protocol.provenance.ProvenanceEnvelopes;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.submission.JobSubmission;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
        return failure(job, builder, code, "failed with " + code);
    }

    /** A failed completion with the builder's own words for it. */
    public static JobActivity.Completed failure(
            Job job,
            UUID builder,
            dev.crateforge.protocol.contract.FailureCode code,
            String reason) {
        JobActivity.Completed ok = completion(job, builder, List.of());
        return new JobActivity.Completed(
                job.id,
                job.attempt,
                builder,
                JobResult.FAILED,
                reason,
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

    /**
     * The completion with {@code key} as the builder's key and a DSSE envelope that {@code key}
     * signed about the job as {@code facts} describe it.
     */
    public static JobActivity.Completed withProvenance(
            JobActivity.Completed completion, SshPrivateKey key, BuildFacts facts) {
        BuildProvenanceStatement statement =
                ProvenanceEnvelopes.statement(
                        facts,
                        key.publicKey(),
                        new InternalParameters(
                                new Toolchain("rustc 1.83.0\n", "cargo 1.83.0\n"),
                                "bubblewrap",
                                false,
                                Map.of("maxJobSeconds", 7200L)),
                        Instant.parse("2026-12-05T10:00:00Z"),
                        Instant.parse("2026-12-05T10:01:00Z"));
        return new JobActivity.Completed(
                completion.jobId(),
                completion.attempt(),
                completion.builderId(),
                completion.result(),
                completion.failureReason(),
                completion.failureCode(),
                completion.artifacts(),
                completion.statement(),
                completion.signature(),
                key.publicKey().openSshLine(),
                completion.completedAt(),
                ProvenanceEnvelopes.sign(key, statement));
    }

    /** What the job's provenance must say, with {@code crate} in place of the job's crate. */
    public static BuildFacts facts(Job job, String crate, List<ArtifactDigest> artifacts) {
        return new BuildFacts(
                job.id,
                job.attempt,
                crate,
                job.version,
                job.target,
                job.kind,
                job.sourceUrl,
                job.sourceSha256,
                artifacts);
    }
}
