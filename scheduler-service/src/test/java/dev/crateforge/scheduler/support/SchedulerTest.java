package dev.crateforge.scheduler.support;

import dev.crateforge.scheduler.assignment.AssignmentService;
import dev.crateforge.scheduler.job.JobService;
import dev.crateforge.scheduler.submission.SubmissionService;
import jakarta.inject.Inject;
import java.time.Duration;
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
}
