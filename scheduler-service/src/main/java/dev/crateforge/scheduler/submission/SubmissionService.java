package dev.crateforge.scheduler.submission;

import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.scheduler.assignment.WorkSignal;
import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.job.JobRepository;
import dev.crateforge.scheduler.messaging.EventPublisher;
import dev.crateforge.scheduler.reproduction.ReproductionRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Submission: validates jobs and queues them idempotently (the same job again returns the stored
 * one), and wakes the waiting builders through {@link WorkSignal}.
 */
@ApplicationScoped
@Transactional
public class SubmissionService {

    /** The result of a submission: the job, and whether this call created it. */
    public record Submitted(Job job, boolean created) {}

    private final JobRepository jobs;
    private final JobValidator validator;
    private final EventPublisher publisher;
    private final WorkSignal workSignal;
    private final SchedulerConfig config;
    private final ReproductionRepository reproductions;

    public SubmissionService(
            JobRepository jobs,
            JobValidator validator,
            EventPublisher publisher,
            WorkSignal workSignal,
            SchedulerConfig config,
            ReproductionRepository reproductions) {
        this.reproductions = reproductions;
        this.jobs = jobs;
        this.validator = validator;
        this.publisher = publisher;
        this.workSignal = workSignal;
        this.config = config;
    }

    /** Queues the job, or returns the existing job with the same identity. */
    public Submitted submit(JobSubmission submission) {
        validator.validate(submission, "");
        Submitted result = insert(submission, crateBuilds(List.of(submission)));
        if (result.created()) {
            workSignal.jobsQueued();
        }
        return result;
    }

    /** Validates every job first (nothing is stored if one is invalid), then queues them. */
    public List<Submitted> submitBatch(List<JobSubmission> submissions) {
        if (submissions == null || submissions.isEmpty()) {
            throw new InvalidSubmissionException("jobs", "field 'jobs' is missing or empty");
        }
        if (submissions.size() > config.batchMax()) {
            throw new InvalidSubmissionException(
                    "jobs", "field 'jobs' has more than " + config.batchMax() + " entries");
        }
        for (int i = 0; i < submissions.size(); i++) {
            validator.validate(submissions.get(i), "jobs[" + i + "].");
        }
        List<Submitted> results = new ArrayList<>(submissions.size());
        boolean anyCreated = false;
        Map<String, Integer> crateBuilds = crateBuilds(submissions);
        for (JobSubmission submission : submissions) {
            Submitted result = insert(submission, crateBuilds);
            anyCreated |= result.created();
            results.add(result);
        }
        if (anyCreated) {
            workSignal.jobsQueued();
        }
        return results;
    }

    /** The builds operators set for the crates of these submissions that do not say. */
    private Map<String, Integer> crateBuilds(List<JobSubmission> submissions) {
        return reproductions.crateBuilds(
                submissions.stream()
                        .filter(s -> s.reproduce() == null)
                        .map(JobSubmission::crate)
                        .distinct()
                        .toList());
    }

    /**
     * Queues one job; its builds are the submission's, else the crate's ({@code crateBuilds}), else
     * the deployment's default.
     */
    private Submitted insert(JobSubmission s, Map<String, Integer> crateBuilds) {
        ArtifactKind kind = ArtifactKind.fromWireName(s.kind()).orElseThrow();
        Job job = new Job();
        job.id = UUID.randomUUID();
        job.crate = s.crate();
        job.version = s.version();
        job.sourceUrl = s.sourceUrl();
        job.sourceSha256 = s.sourceSha256();
        job.target = s.target();
        job.kind = kind;
        job.priority = s.priority() == null ? 0 : s.priority();
        job.maxAttempts = s.maxAttempts() == null ? config.maxAttempts() : s.maxAttempts();
        job.reproduce =
                s.reproduce() != null
                        ? s.reproduce()
                        : crateBuilds.getOrDefault(s.crate(), config.reproduce());
        boolean created = jobs.insertIfAbsent(job);
        List<ReproductionRepository.Build> others =
                created ? reproductions.addBuilds(List.of(job.id)) : List.of();
        Job stored =
                jobs.findByIdentity(s.crate(), s.version(), s.sourceSha256(), s.target(), kind)
                        .orElseThrow();
        if (created) {
            Log.infof(
                    "Queued job %s: %s@%s %s %s",
                    stored.id, stored.crate, stored.version, stored.target, kind);
            publisher.stateChanged(stored);
            publisher.publish(
                    others.stream()
                            .filter(build -> !build.id().equals(stored.id))
                            .map(build -> publisher.state(build.queued(Instant.now())))
                            .toList());
        }
        return new Submitted(stored, created);
    }
}
