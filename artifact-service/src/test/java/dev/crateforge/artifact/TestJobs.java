package dev.crateforge.artifact;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.crateforge.artifact.repository.JobAttempt;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.job.ReproductionVerdict;
import dev.crateforge.protocol.kafka.JobStateChanged;
import dev.crateforge.protocol.kafka.Provenance;
import dev.crateforge.protocol.kafka.Reproduction;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.provenance.BuildFacts;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.InternalParameters;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.Toolchain;
import dev.crateforge.protocol.provenance.DsseEnvelope;
import dev.crateforge.protocol.provenance.ProvenanceEnvelopes;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A job as the scheduler would run it, driven through the real {@code crateforge.job-states.v1}
 * topic; each step waits until the service has applied it.
 */
public final class TestJobs {

    public static final String TARGET = "x86_64-unknown-linux-gnu";
    static final String SOURCE_SHA256 = "ab".repeat(32);

    public final UUID jobId = UUID.randomUUID();
    public final UUID builderId = UUID.randomUUID();
    public final String crate;
    public final String version;
    public final ArtifactKind kind;
    private final ArtifactCatalog catalog;
    private Reproduction reproduction;
    private int lastAttempt;
    private JobState lastState;
    private Provenance lastProvenance;

    public TestJobs(ArtifactCatalog catalog, String crate, String version, ArtifactKind kind) {
        this.catalog = catalog;
        this.crate = crate;
        this.version = version;
        this.kind = kind;
    }

    /**
     * Makes this job one of {@code builds} builds of the reproduction {@code group}, pending: every
     * record it announces from now on carries it.
     */
    public TestJobs inReproduction(UUID group, int builds) {
        reproduction = new Reproduction(group, builds, ReproductionVerdict.PENDING, false);
        return this;
    }

    /**
     * Announces a new verdict as the scheduler does (the last record again, later, with the new
     * reproduction) and waits until the service knows it.
     */
    public TestJobs announceVerdict(ReproductionVerdict verdict, boolean released) {
        publishVerdict(verdict, released, Instant.now());
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            JobAttempt job = catalog.job(jobId).orElseThrow();
                            return verdict.wireName().equals(job.reproductionVerdict)
                                    && job.reproductionReleased == released;
                        });
        return this;
    }

    /** Announces a verdict with the record time {@code at}, without waiting. */
    public void publishVerdict(ReproductionVerdict verdict, boolean released, Instant at) {
        reproduction =
                new Reproduction(reproduction.group(), reproduction.builds(), verdict, released);
        TestKafka.publish(
                Topics.JOB_STATES,
                jobId.toString(),
                record(lastAttempt, lastState, lastProvenance, at));
    }

    /**
     * A job of a crate named {@code prefix} and 8 random characters, whose attempt 1 is running
     * (assigned, then running, both known to the service).
     */
    public static TestJobs running(
            ArtifactCatalog catalog, String prefix, String version, ArtifactKind kind) {
        return new TestJobs(
                        catalog,
                        prefix + UUID.randomUUID().toString().substring(0, 8),
                        version,
                        kind)
                .moveTo(1, JobState.ASSIGNED)
                .moveTo(1, JobState.RUNNING);
    }

    /** Announces the state and waits until the service knows it. */
    public TestJobs moveTo(int attempt, JobState state) {
        return announce(attempt, state, null);
    }

    /**
     * Runs attempt 1 to success with one artifact of {@code bytes} uploaded through the real
     * endpoint (201 expected).
     */
    public TestJobs uploadAndSucceed(byte[] bytes) {
        return uploadAndSucceed(bytes, false);
    }

    /**
     * As {@link #uploadAndSucceed(byte[])}, with SLSA provenance in a DSSE envelope too if {@code
     * withEnvelope}.
     */
    public TestJobs uploadAndSucceed(byte[] bytes, boolean withEnvelope) {
        moveTo(1, JobState.RUNNING);
        given().header("Authorization", "Bearer " + token(1))
                .contentType("application/octet-stream")
                .body(bytes)
                .put(uploadPath())
                .then()
                .statusCode(201);
        return succeed(
                1,
                List.of(new ArtifactDigest(kind, sha256(bytes), (long) bytes.length)),
                withEnvelope);
    }

    /** Announces success with a statement signed by the test builder key over these artifacts. */
    public TestJobs succeed(int attempt, List<ArtifactDigest> artifacts) {
        return succeed(attempt, artifacts, false);
    }

    /**
     * Announces success as {@link #succeed(int, List)} does, with SLSA provenance in a DSSE
     * envelope signed by the same key.
     */
    public TestJobs succeedWithEnvelope(int attempt, List<ArtifactDigest> artifacts) {
        return succeed(attempt, artifacts, true);
    }

    private TestJobs succeed(int attempt, List<ArtifactDigest> artifacts, boolean withEnvelope) {
        SshPrivateKey key = builderKey();
        BuildStatement statement =
                new BuildStatement(
                        jobId,
                        attempt,
                        key.publicKey().fingerprint(),
                        crate,
                        version,
                        TARGET,
                        kind,
                        SOURCE_SHA256,
                        JobResult.SUCCEEDED,
                        artifacts);
        DsseEnvelope envelope = withEnvelope ? envelope(key, attempt, artifacts) : null;
        try {
            String signature =
                    key.sign(BuilderProtocol.BUILD_NAMESPACE, statement.signedBytes()).armored();
            return announce(
                    attempt,
                    JobState.SUCCEEDED,
                    new Provenance(
                            statement.render(),
                            signature,
                            key.publicKey().openSshLine(),
                            envelope));
        } catch (SshFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    private DsseEnvelope envelope(SshPrivateKey key, int attempt, List<ArtifactDigest> artifacts) {
        return ProvenanceEnvelopes.sign(
                key,
                ProvenanceEnvelopes.statement(
                        new BuildFacts(
                                jobId,
                                attempt,
                                crate,
                                version,
                                TARGET,
                                kind,
                                "https://static.crates.example/" + crate + ".crate",
                                SOURCE_SHA256,
                                artifacts),
                        key.publicKey(),
                        new InternalParameters(
                                new Toolchain("rustc 1.83.0\n", "cargo 1.83.0\n"),
                                "bubblewrap",
                                false,
                                Map.of("maxJobSeconds", 7200L)),
                        Instant.parse("2026-12-05T10:00:00Z"),
                        Instant.parse("2026-12-05T10:01:00Z")));
    }

    /** Announces the state without waiting (for records the service is expected to ignore). */
    public void moveToWithoutWaiting(int attempt, JobState state) {
        publish(attempt, state, null);
    }

    private void publish(int attempt, JobState state, Provenance provenance) {
        lastAttempt = attempt;
        lastState = state;
        lastProvenance = provenance;
        TestKafka.publish(
                Topics.JOB_STATES,
                jobId.toString(),
                record(attempt, state, provenance, Instant.now()));
    }

    private JobStateChanged record(int attempt, JobState state, Provenance provenance, Instant at) {
        return new JobStateChanged(
                jobId,
                attempt,
                state,
                state == JobState.QUEUED ? null : builderId,
                crate,
                version,
                TARGET,
                kind,
                provenance,
                at,
                reproduction);
    }

    private TestJobs announce(int attempt, JobState state, Provenance provenance) {
        publish(attempt, state, provenance);
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            Optional<JobAttempt> job = catalog.job(jobId);
                            return job.isPresent()
                                    && job.get().attempt == attempt
                                    && job.get().state.equals(state.wireName());
                        });
        return this;
    }

    /** A token for this job's attempt, allowing its kind. */
    public String token(int attempt) {
        return TestTokens.mint(jobId, attempt, builderId, kind.wireName());
    }

    /**
     * A token as the scheduler mints it now: it also names the crate, version and target, so it
     * alone describes the attempt.
     */
    public String describedToken(int attempt) {
        return TestTokens.sign(
                TestTokens.claims(jobId, attempt, builderId, kind.wireName())
                        .claim("crate", crate)
                        .claim("version", version)
                        .claim("target", TARGET));
    }

    public String uploadPath() {
        return "/api/v1/jobs/" + jobId + "/artifacts/" + kind.wireName();
    }

    public static SshPrivateKey builderKey() {
        try {
            return SshPrivateKey.parse(
                    new String(
                            TestTokens.resource("keys/builder_ed25519"),
                            StandardCharsets.US_ASCII));
        } catch (SshFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes that differ for every call. */
    public static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new java.util.Random().nextBytes(bytes);
        return bytes;
    }
}
