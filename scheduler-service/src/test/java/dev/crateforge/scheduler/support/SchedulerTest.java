package dev.crateforge.scheduler.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.LogStream;
import dev.crateforge.scheduler.assignment.AssignmentService;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.job.JobService;
import dev.crateforge.scheduler.submission.JobSubmission;
import dev.crateforge.scheduler.submission.SubmissionService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the scheduler's service-level Quarkus tests share: the services they drive, the database,
 * and a Kafka client on this run's topic prefix, opened before each test and closed after it.
 * Subclasses carry the same test resources, so that they share one app.
 */
public abstract class SchedulerTest {

    /** How long anything that goes through Kafka may take before a test gives up. */
    protected static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    protected String bootstrap;

    @ConfigProperty(name = "crateforge.kafka.topic-prefix")
    protected String prefix;

    @Inject protected JobService jobs;
    @Inject protected SubmissionService submissions;
    @Inject protected AssignmentService assignments;
    @Inject protected Db db;

    protected TestKafka kafka;

    @BeforeEach
    void openKafka() {
        kafka = new TestKafka(bootstrap, prefix);
    }

    @AfterEach
    void closeKafka() {
        kafka.close();
    }

    /** A job of {@code crate} 1.0.0 assigned to {@code builder} on {@code connection}. */
    protected Job assigned(String crate, String target, String connection, UUID builder) {
        return assigned(Fixtures.job(crate, "1.0.0", target), connection, builder);
    }

    /** The submitted job, assigned to {@code builder} on {@code connection}, as stored now. */
    protected Job assigned(JobSubmission submission, String connection, UUID builder) {
        Job job = submissions.submit(submission).job();
        assertThat(
                        assignments.requestReceived(
                                Fixtures.request(builder, connection, submission.target(), 1)))
                .isEqualTo(1);
        return db.job(job.id);
    }

    /** Sends one job event of {@code builder}, as the gateway forwards it. */
    protected void event(Job job, UUID builder, int attempt, long seq, JobEventBody body) {
        kafka.send(
                Topics.JOB_EVENTS,
                job.id.toString(),
                new JobActivity.EventReported(job.id, attempt, builder, seq, body, Instant.now()));
    }

    /**
     * A job assigned to a fresh builder that logged {@code line}, then failed with {@code code} and
     * the builder's own {@code reason}; returned once the job is failed.
     */
    protected Job failedAfterLogging(
            String crate, String target, String line, FailureCode code, String reason) {
        UUID builder = UUID.randomUUID();
        Job job = assigned(crate, target, target + "-conn", builder);
        logLine(job, builder, 1, line);
        awaitLogLines(job, 1);
        kafka.send(
                Topics.JOB_EVENTS, job.id.toString(), Fixtures.failure(job, builder, code, reason));
        await().atMost(WAIT).until(() -> db.job(job.id).state == JobState.FAILED);
        return db.job(job.id);
    }

    /** Waits until the job has {@code lines} stored log lines (of any attempt). */
    protected void awaitLogLines(Job job, long lines) {
        await().atMost(WAIT)
                .until(
                        () ->
                                db.count(
                                                "select count(*) from job_log where job_id = '"
                                                        + job.id
                                                        + "'")
                                        == lines);
    }

    /** Sends one stdout log line of the job's current attempt. */
    protected void logLine(Job job, UUID builder, long seq, String line) {
        event(job, builder, job.attempt, seq, new JobEventBody.Log(LogStream.STDOUT, line));
    }
}
