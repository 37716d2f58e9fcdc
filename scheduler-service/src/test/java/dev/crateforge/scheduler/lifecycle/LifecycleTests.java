package dev.crateforge.scheduler.lifecycle;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.BuildStage;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.ArtifactStored;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.kafka.BuilderControl;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobStateChanged;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.LogStream;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.submission.JobSubmission;
import dev.crateforge.scheduler.support.Fixtures;
import dev.crateforge.scheduler.support.SchedulerTest;
import dev.crateforge.scheduler.support.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class LifecycleTests extends SchedulerTest {

    private static final String SHA_B = "b".repeat(64);

    /** Sends the builder's completion of the job, reporting {@code digests}, and returns it. */
    private JobActivity.Completed complete(Job job, UUID builder, ArtifactDigest... digests) {
        JobActivity.Completed completed = Fixtures.completion(job, builder, List.of(digests));
        kafka.send(Topics.JOB_EVENTS, job.id.toString(), completed);
        return completed;
    }

    /** The job's stored log lines, all attempts. */
    private long storedLines(Job job) {
        return db.count("select count(*) from job_log where job_id = '" + job.id + "'");
    }

    /** One page of the job's log through the API. */
    private static JsonPath logs(Job job, Map<String, ?> query) {
        return given().queryParams(query)
                .get("/api/v1/jobs/" + job.id + "/logs")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** Waits until the job has failed, and checks the reason it gives. */
    private void awaitFailure(Job job, String reason) {
        await().atMost(WAIT).until(() -> db.job(job.id).state == JobState.FAILED);
        assertThat(db.job(job.id).failureReason).isEqualTo(reason);
    }

    /** The job's state changes read so far, once one of them is {@code state}. */
    private static List<JobStateChanged> changesUntil(
            TestKafka.Reader<JobStateChanged> states, UUID job, JobState state) {
        return states
                .until(
                        WAIT,
                        seen ->
                                seen.stream()
                                        .map(Map.Entry::getValue)
                                        .anyMatch(c -> c.jobId().equals(job) && c.state() == state))
                .stream()
                .map(Map.Entry::getValue)
                .filter(c -> c.jobId().equals(job))
                .toList();
    }

    private static JobEventBody.Log line(String text) {
        return new JobEventBody.Log(LogStream.STDOUT, text);
    }

    @Test
    void eventsStartTheJobAndLogsAreStoredInOrderWithoutDuplicates() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("logged", "l01-unknown-test", "l1-conn", builder);
        try (var states = kafka.reader(Topics.JOB_STATES, JobStateChanged.class)) {
            event(job, builder, 1, 3, line("third"));
            event(job, builder, 1, 1, line("first"));
            event(job, builder, 1, 2, line("second"));
            event(job, builder, 1, 2, line("second, resent"));
            event(job, builder, 1, 4, new JobEventBody.StageChanged(BuildStage.BUILDING));
            event(job, builder, 1, 5, new JobEventBody.Heartbeat());
            await().atMost(WAIT).until(() -> "building".equals(db.job(job.id).stage));

            JsonPath logs = logs(job, Map.of());
            assertThat(logs.getList("lines.seq", Integer.class)).containsExactly(1, 2, 3);
            assertThat(logs.getList("lines.line", String.class))
                    .containsExactly("first", "second", "third");
            assertThat(logs.getList("lines.stream", String.class)).containsOnly("stdout");
            assertThat(logs.getInt("next")).isEqualTo(3);
            assertThat(logs(job, Map.of("after", 2)).getList("lines.line", String.class))
                    .containsExactly("third");

            Job running = db.job(job.id);
            assertThat(running.state).isEqualTo(JobState.RUNNING);
            assertThat(running.leaseExpiresAt).isAfter(Instant.now().plusSeconds(60));
            List<JobStateChanged> changes = changesUntil(states, job.id, JobState.RUNNING);
            assertThat(changes.stream().map(JobStateChanged::state))
                    .containsExactly(JobState.QUEUED, JobState.ASSIGNED, JobState.RUNNING);
            assertThat(changes.get(2).builderId()).isEqualTo(builder);
        }
    }

    @Test
    void logLinesAreNumberedWithoutGapsAndStagesStandBesideThemInOrder() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("staged", "l22-unknown-test", "l22-conn", builder);
        event(job, builder, 1, 1, new JobEventBody.StageChanged(BuildStage.FETCHING));
        event(job, builder, 1, 2, line("fetched"));
        event(job, builder, 1, 3, new JobEventBody.Heartbeat());
        event(job, builder, 1, 4, new JobEventBody.StageChanged(BuildStage.BUILDING));
        event(job, builder, 1, 5, line("compiling"));
        event(job, builder, 1, 6, line("finished"));
        await().atMost(WAIT).until(() -> logs(job, Map.of()).getList("lines").size() == 3);

        JsonPath logs = logs(job, Map.of());
        // seq is the builder's cursor, with gaps where stages and heartbeats went; number has none
        assertThat(logs.getList("lines.seq", Integer.class)).containsExactly(2, 5, 6);
        assertThat(logs.getList("lines.number", Integer.class)).containsExactly(1, 2, 3);
        assertThat(logs.getList("stages.seq", Integer.class)).containsExactly(1, 4);
        assertThat(logs.getList("stages.stage", String.class))
                .containsExactly("fetching", "building");
        // a page after a cursor goes on with the same numbers
        JsonPath rest = logs(job, Map.of("after", 2));
        assertThat(rest.getList("lines.number", Integer.class)).containsExactly(2, 3);
        assertThat(rest.getList("lines.line", String.class))
                .containsExactly("compiling", "finished");
    }

    @Test
    void logCapEndsTheLogWithOneTruncationMarker() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("chatty", "l02-unknown-test", "l2-conn", builder);
        String hundred = "x".repeat(99);
        for (int seq = 1; seq <= 30; seq++) {
            event(job, builder, 1, seq, line(hundred));
        }
        await().atMost(WAIT).until(() -> db.job(job.id).logTruncated);
        // Let the remaining lines arrive; none may be stored.
        event(job, builder, 1, 31, new JobEventBody.StageChanged(BuildStage.PACKAGING));
        await().atMost(WAIT).until(() -> "packaging".equals(db.job(job.id).stage));
        JsonPath logs = logs(job, Map.of("limit", 100));
        List<String> lines = logs.getList("lines.line", String.class);
        // 2048 bytes hold 20 lines of 100 bytes; the 21st is replaced by the marker.
        assertThat(lines).hasSize(21);
        assertThat(lines.subList(0, 20)).containsOnly(hundred);
        assertThat(lines.get(20)).startsWith("[log truncated");
        assertThat(logs.getString("lines[20].stream")).isEqualTo("scheduler");
        long bytes =
                lines.subList(0, 20).stream()
                        .mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1)
                        .sum();
        assertThat(bytes).isLessThanOrEqualTo(2048);
        given().get("/api/v1/jobs/" + job.id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getBoolean("logTruncated");
        assertThat(db.job(job.id).logTruncated).isTrue();
    }

    @Test
    void leaseExpiryRequeuesWithTheNextAttemptAndCancelsTheOldOne() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("leased", "l03-unknown-test", "l3-conn", builder);
        try (var control = kafka.reader(Topics.BUILDER_CONTROL, BuilderControl.class)) {
            db.execute(
                    "update job set lease_expires_at = now() - interval '1 second' where id = '"
                            + job.id
                            + "'");
            await().atMost(WAIT).until(() -> db.job(job.id).state == JobState.QUEUED);
            Job requeued = db.job(job.id);
            assertThat(requeued.attempt).isEqualTo(2);
            assertThat(requeued.builderId).isNull();
            assertThat(requeued.failureReason).isEqualTo("lease expired");
            assertThat(requeued.notBefore).isAfter(requeued.updatedAt.minusMillis(1));

            var cancel =
                    control.until(WAIT, seen -> !seen.isEmpty()).stream()
                            .filter(
                                    e ->
                                            e.getValue() instanceof BuilderControl.CancelAttempt c
                                                    && c.jobId().equals(job.id))
                            .findFirst()
                            .orElseThrow();
            assertThat(cancel.getKey()).isEqualTo(builder.toString());
            BuilderControl.CancelAttempt attempt = (BuilderControl.CancelAttempt) cancel.getValue();
            assertThat(attempt.attempt()).isEqualTo(1);
            assertThat(attempt.reason()).isEqualTo("lease expired");
        }
        // An event of the lost attempt changes nothing.
        event(job, builder, 1, 1, line("too late"));
        // After the backoff a new builder gets attempt 2: served either by this call or, once the
        // request waits, by the matcher that wakes when the backoff ends.
        UUID next = UUID.randomUUID();
        await().atMost(WAIT)
                .until(
                        () ->
                                assignments.requestReceived(
                                                        Fixtures.request(
                                                                next,
                                                                "l3-next",
                                                                "l03-unknown-test",
                                                                1))
                                                == 1
                                        || next.equals(db.job(job.id).builderId));
        Job reassigned = db.job(job.id);
        assertThat(reassigned.attempt).isEqualTo(2);
        assertThat(reassigned.builderId).isEqualTo(next);
        assertThat(storedLines(job)).isZero();
    }

    @Test
    void leaseExpiryOnTheLastAttemptFailsTheJob() {
        UUID builder = UUID.randomUUID();
        var base = Fixtures.job("fragile", "1.0.0", "l04-unknown-test");
        Job job =
                assigned(
                        new JobSubmission(
                                base.crate(),
                                base.version(),
                                base.sourceUrl(),
                                base.sourceSha256(),
                                base.target(),
                                base.kind(),
                                null,
                                1),
                        "l4-conn",
                        builder);
        db.execute(
                "update job set lease_expires_at = now() - interval '1 second' where id = '"
                        + job.id
                        + "'");
        awaitFailure(job, "lease expired; no attempts left (1 of 1)");
    }

    @Test
    void completionWithStoredArtifactsSucceedsAndKeepsTheProvenance() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("signed", "l05-unknown-test", "l5-conn", builder);
        ArtifactDigest digest = Fixtures.digest(ArtifactKind.BINARY, SHA_B, 1234);
        try (var states = kafka.reader(Topics.JOB_STATES, JobStateChanged.class)) {
            kafka.send(
                    Topics.ARTIFACTS,
                    job.id.toString(),
                    new ArtifactStored(
                            job.id, 1, ArtifactKind.BINARY, SHA_B, 1234L, Instant.now()));
            JobActivity.Completed completed = complete(job, builder, digest);
            await().atMost(WAIT).until(() -> db.job(job.id).state == JobState.SUCCEEDED);
            JobStateChanged last =
                    changesUntil(states, job.id, JobState.SUCCEEDED).stream()
                            .filter(c -> c.state() == JobState.SUCCEEDED)
                            .findFirst()
                            .orElseThrow();
            assertThat(last.provenance().statement()).isEqualTo(completed.statement());
            assertThat(last.provenance().builderPublicKey()).isEqualTo(Fixtures.PUBLIC_KEY);
        }
        given().get("/api/v1/jobs/" + job.id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("provenance.statement")
                .contains("crate: signed");
        assertThat(db.job(job.id).signature).contains("SSH SIGNATURE");
    }

    @Test
    void signedSlsaProvenanceIsVerifiedAndKeptBesideTheStatement() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("attested", "l18-unknown-test", "l31-conn", builder);
        ArtifactDigest digest = Fixtures.digest(ArtifactKind.BINARY, SHA_B, 77);
        SshPrivateKey key = SshPrivateKey.generateEd25519();
        try (var states = kafka.reader(Topics.JOB_STATES, JobStateChanged.class)) {
            kafka.send(
                    Topics.ARTIFACTS,
                    job.id.toString(),
                    new ArtifactStored(job.id, 1, ArtifactKind.BINARY, SHA_B, 77L, Instant.now()));
            JobActivity.Completed completed =
                    Fixtures.withProvenance(
                            Fixtures.completion(job, builder, List.of(digest)),
                            key,
                            Fixtures.facts(job, job.crate, List.of(digest)));
            kafka.send(Topics.JOB_EVENTS, job.id.toString(), completed);
            await().atMost(WAIT).until(() -> db.job(job.id).state == JobState.SUCCEEDED);
            JobStateChanged last =
                    changesUntil(states, job.id, JobState.SUCCEEDED).stream()
                            .filter(c -> c.state() == JobState.SUCCEEDED)
                            .findFirst()
                            .orElseThrow();
            assertThat(last.provenance().envelope()).isEqualTo(completed.provenance());
        }
        given().get("/api/v1/jobs/" + job.id)
                .then()
                .statusCode(200)
                .body("provenance.envelope.payloadType", equalTo("application/vnd.in-toto+json"));
    }

    @Test
    void provenanceAboutAnotherCrateFailsTheJobAndKeepsNothing() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("claimed", "l19-unknown-test", "l32-conn", builder);
        ArtifactDigest digest = Fixtures.digest(ArtifactKind.BINARY, SHA_B, 5);
        kafka.send(
                Topics.JOB_EVENTS,
                job.id.toString(),
                Fixtures.withProvenance(
                        Fixtures.completion(job, builder, List.of(digest)),
                        SshPrivateKey.generateEd25519(),
                        Fixtures.facts(job, "impostor", List.of(digest))));
        awaitFailure(
                job,
                "provenance envelope does not match the job: field 'crate' differs from the job");
        Job failed = db.job(job.id);
        assertThat(failed.statement).isNull();
        assertThat(failed.provenanceEnvelope).isNull();
    }

    @Test
    void provenanceNotSignedByTheBuilderKeyFailsTheJob() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("unsigned", "l20-unknown-test", "l33-conn", builder);
        ArtifactDigest digest = Fixtures.digest(ArtifactKind.BINARY, SHA_B, 5);
        JobActivity.Completed signedByOther =
                Fixtures.withProvenance(
                        Fixtures.completion(job, builder, List.of(digest)),
                        SshPrivateKey.generateEd25519(),
                        Fixtures.facts(job, job.crate, List.of(digest)));
        JobActivity.Completed claimedByBuilder =
                Fixtures.withProvenance(
                        Fixtures.completion(job, builder, List.of(digest)),
                        SshPrivateKey.generateEd25519(),
                        Fixtures.facts(job, job.crate, List.of(digest)));
        kafka.send(
                Topics.JOB_EVENTS,
                job.id.toString(),
                new JobActivity.Completed(
                        job.id,
                        1,
                        builder,
                        claimedByBuilder.result(),
                        null,
                        null,
                        List.of(digest),
                        claimedByBuilder.statement(),
                        claimedByBuilder.signature(),
                        claimedByBuilder.builderPublicKey(),
                        Instant.now(),
                        signedByOther.provenance()));
        awaitFailure(
                job,
                "provenance envelope rejected: no signature verifies with the builder's registered"
                        + " key");
        assertThat(db.job(job.id).provenanceEnvelope).isNull();
    }

    @Test
    void completionBeforeItsArtifactRecordWaitsForIt() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("patient", "l06-unknown-test", "l6-conn", builder);
        ArtifactDigest digest = Fixtures.digest(ArtifactKind.BINARY, SHA_B, 99);
        complete(job, builder, digest);
        await().atMost(WAIT).until(() -> db.job(job.id).pendingCompletion != null);
        assertThat(db.job(job.id).state).isEqualTo(JobState.ASSIGNED);
        kafka.send(
                Topics.ARTIFACTS,
                job.id.toString(),
                new ArtifactStored(job.id, 1, ArtifactKind.BINARY, SHA_B, 99L, Instant.now()));
        await().atMost(WAIT).until(() -> db.job(job.id).state == JobState.SUCCEEDED);
    }

    @Test
    void digestMismatchFailsTheJobWithTheReason() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("tampered", "l07-unknown-test", "l7-conn", builder);
        kafka.send(
                Topics.ARTIFACTS,
                job.id.toString(),
                new ArtifactStored(
                        job.id, 1, ArtifactKind.BINARY, "c".repeat(64), 10L, Instant.now()));
        complete(job, builder, Fixtures.digest(ArtifactKind.BINARY, SHA_B, 10));
        awaitFailure(
                job,
                "artifact 'binary' mismatch: builder reported sha256 "
                        + SHA_B
                        + " size 10, artifact service stored sha256 "
                        + "c".repeat(64)
                        + " size 10");
    }

    @Test
    void artifactNeverStoredFailsTheJobAfterTheWait() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("ghost", "l08-unknown-test", "l8-conn", builder);
        complete(job, builder, Fixtures.digest(ArtifactKind.BINARY, SHA_B, 10));
        awaitFailure(job, "artifact(s) binary reported but not stored within PT3S");
    }

    @Test
    void aCompletionWaitingForItsArtifactsIsNotRequeuedWhenItsBuilderLeaves() {
        // The builder's part is done once it reported success: its disconnect (grace 2 s) must
        // not requeue the job; only the wait for the artifact records (3 s) can end it.
        UUID builder = UUID.randomUUID();
        Job job = assigned("finished", "l21-unknown-test", "l21-conn", builder);
        complete(job, builder, Fixtures.digest(ArtifactKind.BINARY, SHA_B, 77));
        await().atMost(WAIT).until(() -> db.job(job.id).pendingCompletion != null);
        kafka.send(
                Topics.BUILDER_CONNECTIONS,
                builder.toString(),
                new BuilderConnectionChange.Disconnected(
                        builder, "l21-conn", "gateway-1", "builder done", Instant.now()));
        awaitFailure(job, "artifact(s) binary reported but not stored within PT3S");
        assertThat(db.job(job.id).attempt).isEqualTo(1);
    }

    @Test
    void statementOfAnotherJobFailsTheJob() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("honest", "l09-unknown-test", "l9-conn", builder);
        Job other = submissions.submit(Fixtures.job("other", "1.0.0", "l09-unknown-test")).job();
        ArtifactDigest digest = Fixtures.digest(ArtifactKind.BINARY, SHA_B, 10);
        JobActivity.Completed forOther = Fixtures.completion(other, builder, List.of(digest));
        JobActivity.Completed forged =
                new JobActivity.Completed(
                        job.id,
                        1,
                        builder,
                        forOther.result(),
                        null,
                        null,
                        List.of(digest),
                        forOther.statement(),
                        forOther.signature(),
                        forOther.builderPublicKey(),
                        Instant.now());
        kafka.send(Topics.JOB_EVENTS, job.id.toString(), forged);
        awaitFailure(job, "build statement does not match the job: field 'job' differs");
    }

    @Test
    void builderReportedFailureFailsTheJob() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("broken", "l10-unknown-test", "l10-conn", builder);
        JobActivity.Completed ok = Fixtures.completion(job, builder, List.of());
        kafka.send(
                Topics.JOB_EVENTS,
                job.id.toString(),
                new JobActivity.Completed(
                        job.id,
                        1,
                        builder,
                        dev.crateforge.protocol.job.JobResult.FAILED,
                        "cargo build exited with 101",
                        FailureCode.COMPILE_ERROR,
                        List.of(),
                        ok.statement(),
                        ok.signature(),
                        ok.builderPublicKey(),
                        Instant.now()));
        awaitFailure(job, "build failed on builder: cargo build exited with 101");
        JsonPath view = given().get("/api/v1/jobs/" + job.id).then().extract().jsonPath();
        assertThat(view.getString("failureCode")).isEqualTo("compile_error");
        assertThat(view.getString("fault")).isEqualTo("crate");
    }

    @Test
    void infrastructureFailureRequeuesWithoutUsingAnAttemptAndEndsAsInfrastructureAfterItsCap() {
        String target = "l16-unknown-test";
        Job job = assigned("unlucky", target, "l16-conn-1", UUID.randomUUID());
        int maxAttempts = job.maxAttempts;
        int priority = job.priority;
        // The test profile allows two infrastructure retries.
        for (int retry = 1; retry <= 2; retry++) {
            Job current = db.job(job.id);
            FailureCode code = retry == 1 ? FailureCode.SANDBOX_ERROR : FailureCode.INFRASTRUCTURE;
            kafka.send(
                    Topics.JOB_EVENTS,
                    job.id.toString(),
                    Fixtures.failure(current, current.builderId, code));
            int attempt = current.attempt + 1;
            await().atMost(WAIT).until(() -> db.job(job.id).attempt == attempt);
            Job requeued = db.job(job.id);
            assertThat(requeued.state).isEqualTo(JobState.QUEUED);
            assertThat(requeued.infrastructureRetries).isEqualTo(retry);
            assertThat(requeued.maxAttempts).isEqualTo(maxAttempts + retry);
            assertThat(requeued.failureCode).isEqualTo(code.wireName());
            // behind the fresh jobs of its priority, however often it is retried
            assertThat(requeued.priority).isEqualTo(priority - JobLifecycle.RETRY_PRIORITY_DROP);
            assertThat(requeued.requestedPriority).isEqualTo(priority);
            // and, for a while, on another builder
            assertThat(requeued.avoidBuilderIds).contains(current.builderId);
            assertThat(requeued.avoidUntil).isAfter(requeued.notBefore);
            JsonPath view = given().get("/api/v1/jobs/" + job.id).then().extract().jsonPath();
            assertThat(view.getString("state")).isEqualTo("queued");
            assertThat(view.getString("failureCode")).isEqualTo(code.wireName());
            assertThat(view.getInt("priority")).isEqualTo(requeued.priority);
            assertThat(view.getString("fault")).isEqualTo("infrastructure");
            UUID next = UUID.randomUUID();
            String connection = "l16-conn-" + (retry + 1);
            await().atMost(WAIT)
                    .until(
                            () ->
                                    assignments.requestReceived(
                                                            Fixtures.request(
                                                                    next, connection, target, 1))
                                                    == 1
                                            || next.equals(db.job(job.id).builderId));
        }
        Job last = db.job(job.id);
        kafka.send(
                Topics.JOB_EVENTS,
                job.id.toString(),
                Fixtures.failure(last, last.builderId, FailureCode.SANDBOX_ERROR));
        await().atMost(WAIT).until(() -> db.job(job.id).state == JobState.FAILED);
        Job failed = db.job(job.id);
        assertThat(failed.failureCode).isEqualTo("infrastructure");
        assertThat(failed.failureReason).contains("infrastructure retries used up (2 of 2)");
        assertThat(failed.avoidBuilderIds).hasSize(2);
        JsonPath view = given().get("/api/v1/jobs/" + job.id).then().extract().jsonPath();
        assertThat(view.getString("failureCode")).isEqualTo("infrastructure");
        assertThat(view.getString("fault")).isEqualTo("infrastructure");
        // An operator's retry starts afresh: the priority asked for, any builder.
        jobs.retry(job.id, "operator");
        Job retried = db.job(job.id);
        assertThat(retried.priority).isEqualTo(priority);
        assertThat(retried.requestedPriority).isNull();
        assertThat(retried.avoidBuilderIds).isEmpty();
        assertThat(retried.avoidUntil).isNull();
    }

    @Test
    void completionOfAnAttemptTheBuilderDoesNotHoldIsDroppedAndTheBuilderIsTold() {
        UUID holder = UUID.randomUUID();
        UUID stranger = UUID.randomUUID();
        Job job = assigned("claimed", "l17-unknown-test", "l17-conn", holder);
        try (var control = kafka.reader(Topics.BUILDER_CONTROL, BuilderControl.class)) {
            kafka.send(
                    Topics.JOB_EVENTS,
                    job.id.toString(),
                    Fixtures.completion(job, stranger, List.of()));
            var told =
                    control
                            .until(
                                    WAIT,
                                    seen ->
                                            seen.stream()
                                                    .anyMatch(
                                                            e ->
                                                                    e.getValue()
                                                                                    instanceof
                                                                                    BuilderControl
                                                                                                    .UnknownJob
                                                                                            u
                                                                            && u.jobId()
                                                                                    .equals(
                                                                                            job.id)))
                            .stream()
                            .filter(e -> e.getValue() instanceof BuilderControl.UnknownJob)
                            .filter(
                                    e ->
                                            ((BuilderControl.UnknownJob) e.getValue())
                                                    .jobId()
                                                    .equals(job.id))
                            .toList();
            assertThat(told).hasSize(1);
            assertThat(told.get(0).getKey()).isEqualTo(stranger.toString());
            BuilderControl.UnknownJob unknown = (BuilderControl.UnknownJob) told.get(0).getValue();
            assertThat(unknown.builderId()).isEqualTo(stranger);
            assertThat(unknown.attempt()).isEqualTo(1);
        }
        Job unchanged = db.job(job.id);
        assertThat(unchanged.state).isEqualTo(JobState.ASSIGNED);
        assertThat(unchanged.builderId).isEqualTo(holder);
        assertThat(unchanged.pendingCompletion).isNull();
    }

    @Test
    void staleCompletionIsIgnored() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("stale", "l11-unknown-test", "l11-conn", builder);
        kafka.send(
                Topics.JOB_EVENTS,
                job.id.toString(),
                new JobActivity.Undeliverable(
                        job.id, 1, builder, "l11-conn", "connection gone", Instant.now()));
        await().atMost(WAIT).until(() -> db.job(job.id).attempt == 2);
        Job requeued = db.job(job.id);
        assertThat(requeued.state).isEqualTo(JobState.QUEUED);
        assertThat(requeued.maxAttempts).isEqualTo(4);
        assertThat(requeued.notBefore).isBeforeOrEqualTo(Instant.now());
        // The old attempt's completion arrives late: nothing changes.
        complete(job, builder);
        event(job, builder, 1, 1, line("late"));
        UUID marker = UUID.randomUUID();
        // A record behind them on the same partition proves they were processed.
        Job fresh = db.job(job.id);
        assertThat(
                        assignments.requestReceived(
                                Fixtures.request(marker, "l11-next", "l11-unknown-test", 1)))
                .isEqualTo(1);
        event(db.job(job.id), marker, 2, 1, line("attempt two"));
        await().atMost(WAIT).until(() -> db.job(job.id).state == JobState.RUNNING);
        assertThat(fresh.attempt).isEqualTo(2);
        assertThat(
                        db.count(
                                "select count(*) from job_log where job_id = '"
                                        + job.id
                                        + "' and attempt = 1"))
                .isZero();
    }

    @Test
    void disconnectPastTheGracePeriodRequeues() {
        UUID builder = UUID.randomUUID();
        kafka.send(
                Topics.BUILDER_CONNECTIONS,
                builder.toString(),
                new BuilderConnectionChange.Connected(
                        builder, "builder-12", "l12-conn", "gateway-1", Instant.now()));
        await().atMost(WAIT)
                .until(
                        () ->
                                given().get("/api/v1/connections/online")
                                        .then()
                                        .statusCode(200)
                                        .extract()
                                        .jsonPath()
                                        .getList("connectionId", String.class)
                                        .contains("l12-conn"));
        Job job = assigned("orphan", "l12-unknown-test", "l12-conn", builder);
        kafka.send(
                Topics.BUILDER_CONNECTIONS,
                builder.toString(),
                new BuilderConnectionChange.Disconnected(
                        builder, "l12-conn", "gateway-1", "network", Instant.now()));
        await().atMost(WAIT).until(() -> db.job(job.id).disconnectedAt != null);
        assertThat(db.job(job.id).state).isEqualTo(JobState.ASSIGNED);
        await().atMost(WAIT).until(() -> db.job(job.id).state == JobState.QUEUED);
        assertThat(db.job(job.id).failureReason).startsWith("builder disconnected for longer than");
        assertThat(
                        given().get("/api/v1/connections/online")
                                .then()
                                .extract()
                                .jsonPath()
                                .getList("connectionId", String.class))
                .doesNotContain("l12-conn");
    }

    @Test
    void poisonRecordIsDeadLetteredAndTheConsumerGoesOn() {
        try (var dead = kafka.reader(Topics.SCHEDULER_DEAD_LETTERS, byte[].class)) {
            kafka.sendRaw(Topics.JOB_EVENTS, "x", "{not json".getBytes(StandardCharsets.UTF_8));
            UUID builder = UUID.randomUUID();
            Job job =
                    submissions.submit(Fixtures.job("survivor", "1.0.0", "l13-unknown-test")).job();
            assignments.requestReceived(
                    Fixtures.request(builder, "l13-conn", "l13-unknown-test", 1));
            event(job, builder, 1, 1, line("still here"));
            await().atMost(WAIT).until(() -> db.job(job.id).state == JobState.RUNNING);
            // The topic is shared with other tests' poison records: look for this one.
            assertThat(deadLettersOnceItArrived(dead, "{not json")).contains("{not json");
        }
    }

    @Test
    void batchWithOnePoisonRecordStoresTheGoodLinesAndDeadLettersOnlyThePoison() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("batched", "l14-unknown-test", "l14-conn", builder);
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        for (int seq = 1; seq <= 10; seq++) {
            if (seq == 5) {
                records.add(
                        Map.entry(
                                job.id.toString(),
                                "{poison in a batch".getBytes(StandardCharsets.UTF_8)));
            }
            records.add(
                    Map.entry(
                            job.id.toString(),
                            RecordCodec.encode(
                                    new JobActivity.EventReported(
                                            job.id,
                                            1,
                                            builder,
                                            (long) seq,
                                            line("line " + seq),
                                            Instant.now()))));
        }
        // A resent line inside the same batch is stored once.
        records.add(
                Map.entry(
                        job.id.toString(),
                        RecordCodec.encode(
                                new JobActivity.EventReported(
                                        job.id, 1, builder, 3L, line("resent"), Instant.now()))));
        try (var dead = kafka.reader(Topics.SCHEDULER_DEAD_LETTERS, byte[].class)) {
            kafka.sendAllRaw(Topics.JOB_EVENTS, records);
            await().atMost(WAIT).until(() -> storedLines(job) == 10);
            assertThat(deadLettersOnceItArrived(dead, "{poison in a batch"))
                    .filteredOn(v -> v.contains("batch") || v.contains("line"))
                    .containsExactly("{poison in a batch");
        }
        List<String> lines = logs(job, Map.of("limit", 100)).getList("lines.line", String.class);
        assertThat(lines).hasSize(10).contains("line 3").doesNotContain("resent");
        Job running = db.job(job.id);
        assertThat(running.state).isEqualTo(JobState.RUNNING);
        assertThat(running.logBytes).isEqualTo(10L * ("line 1".length() + 1) + 1);
    }

    @Test
    void lineResentInALaterPollIsCountedOnceAndACompletionLandsBetweenTheLinesAroundIt() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("mixed", "l15-unknown-test", "l15-conn", builder);
        event(job, builder, 1, 1, line("one"));
        event(job, builder, 1, 2, line("two"));
        await().atMost(WAIT).until(() -> storedLines(job) == 2);
        JobActivity.Completed ok = Fixtures.completion(job, builder, List.of());
        JobActivity.Completed failed =
                new JobActivity.Completed(
                        job.id,
                        1,
                        builder,
                        dev.crateforge.protocol.job.JobResult.FAILED,
                        "tests failed",
                        FailureCode.COMPILE_ERROR,
                        List.of(),
                        ok.statement(),
                        ok.signature(),
                        ok.builderPublicKey(),
                        Instant.now());
        // Produced back to back, so they usually share one poll: lines, completion, a late line.
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        for (JobActivity activity :
                List.<JobActivity>of(
                        new JobActivity.EventReported(
                                job.id, 1, builder, 2L, line("two, resent"), Instant.now()),
                        new JobActivity.EventReported(
                                job.id, 1, builder, 3L, line("three"), Instant.now()),
                        failed,
                        new JobActivity.EventReported(
                                job.id, 1, builder, 4L, line("after the end"), Instant.now()))) {
            records.add(Map.entry(job.id.toString(), RecordCodec.encode(activity)));
        }
        kafka.sendAllRaw(Topics.JOB_EVENTS, records);
        await().atMost(WAIT).until(() -> db.job(job.id).state == JobState.FAILED);

        List<String> lines = logs(job, Map.of()).getList("lines.line", String.class);
        assertThat(lines).containsExactly("one", "two", "three");
        Job done = db.job(job.id);
        assertThat(done.failureReason).isEqualTo("build failed on builder: tests failed");
        // Each stored line once: the resent line 2 is not counted again.
        assertThat(done.logBytes).isEqualTo(("one".length() + 1) + ("two".length() + 1) + 6L);
    }

    /**
     * What the dead-letter topic held (as text) once {@code payload} had arrived there. The topic
     * is shared with other tests' poison records, so the caller looks for its own.
     */
    private static List<String> deadLettersOnceItArrived(
            TestKafka.Reader<byte[]> dead, String payload) {
        return texts(dead.until(WAIT, seen -> texts(seen).contains(payload)));
    }

    private static List<String> texts(List<Map.Entry<String, byte[]>> records) {
        return records.stream().map(e -> new String(e.getValue(), StandardCharsets.UTF_8)).toList();
    }
}
