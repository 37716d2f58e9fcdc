package dev.crateforge.protocol.message;

import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.BuildStage;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.job.JobLimitsOverride;
import dev.crateforge.protocol.job.JobResult;
import java.util.List;
import java.util.UUID;

/** One valid instance of every message, shared by the codec tests. */
public final class Samples {

    public static final UUID JOB = UUID.fromString("7d3c6a3e-6b8f-4f52-9d55-0c1b2a3d4e5f");
    public static final UUID BUILDER = UUID.fromString("11111111-2222-3333-4444-555555555555");
    public static final String FINGERPRINT = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";
    public static final String SHA = "a".repeat(64);
    public static final String TARGET = "x86_64-unknown-linux-gnu";

    private Samples() {}

    public static BuildStatement statement() {
        return new BuildStatement(
                JOB,
                1,
                FINGERPRINT,
                "hello-world",
                "1.0.0",
                TARGET,
                ArtifactKind.BINARY,
                SHA,
                JobResult.SUCCEEDED,
                List.of(new ArtifactDigest(ArtifactKind.BINARY, "b".repeat(64), 1234L)));
    }

    public static JobAssignment assignment() {
        return new JobAssignment(
                JOB,
                1,
                "hello-world",
                "1.0.0",
                "https://crates.example/hello-world-1.0.0.crate",
                SHA,
                TARGET,
                ArtifactKind.BINARY,
                "https://artifacts.example/api/v1/jobs/" + JOB + "/artifacts/binary",
                "eyJhbGciOiJFUzI1NiJ9.e30.sig",
                3600,
                null);
    }

    public static JobLimitsOverride limits() {
        return new JobLimitsOverride(8L << 30, 7200L, 1024, null, 16L << 20, 60L);
    }

    public static List<ClientMessage> clientMessages() {
        return List.of(
                new Hello(BuilderProtocol.VERSION, FINGERPRINT, "crateforge-builder/0.1.0"),
                new Hello(BuilderProtocol.VERSION, FINGERPRINT, null),
                new ChallengeResponse(
                        "c2VjcmV0",
                        "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"),
                new JobRequest(List.of(TARGET, "aarch64-unknown-linux-gnu"), 2),
                new JobEvent(
                        JOB,
                        1,
                        1L,
                        new JobEventBody.Log(LogStream.STDOUT, "   Compiling hello-world v1.0.0")),
                new JobEvent(JOB, 1, 2L, new JobEventBody.StageChanged(BuildStage.BUILDING)),
                new JobEvent(JOB, 1, 3L, new JobEventBody.Heartbeat()),
                new JobResponse(
                        JOB,
                        1,
                        JobResult.SUCCEEDED,
                        null,
                        null,
                        statement().artifacts(),
                        statement().render(),
                        "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"),
                new JobResponse(
                        JOB,
                        2,
                        JobResult.FAILED,
                        "error[E0425]: cannot find value",
                        FailureCode.COMPILE_ERROR,
                        List.of(),
                        "x\n",
                        "sig"));
    }

    public static List<ServerMessage> serverMessages() {
        return List.of(
                new ChallengeRequest("conn-1", "c2VjcmV0", BuilderProtocol.AUTH_NAMESPACE, 10),
                new Authenticated(BUILDER, "builder-1", 1024 * 1024),
                new Jobs(List.of(assignment())),
                new Jobs(List.of(assignment().withLimits(limits()))),
                new CancelJob(JOB, 1, "cancelled by an operator"),
                new JobResponseAccepted(JOB, 1),
                new ErrorMessage("invalid_signature", "the build signature does not verify", JOB),
                new ErrorMessage("not_authenticated", "say hello first", null));
    }
}
