package dev.crateforge.scheduler.job;

import dev.crateforge.protocol.job.JobState;
import dev.crateforge.scheduler.audit.OperatorAudit;
import dev.crateforge.scheduler.lifecycle.Decision;
import dev.crateforge.scheduler.lifecycle.JobLifecycle;
import dev.crateforge.scheduler.lifecycle.JobTransitions;
import dev.crateforge.scheduler.lifecycle.Trigger;
import dev.crateforge.scheduler.logs.JobLogRepository;
import dev.crateforge.scheduler.logs.LogLine;
import dev.crateforge.scheduler.logs.StageChange;
import dev.crateforge.scheduler.submission.InvalidSubmissionException;
import dev.crateforge.scheduler.submission.JobValidator;
import dev.crateforge.scheduler.submission.SubmissionService;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What operators do with jobs through the API and the console once they exist: look, correct the
 * source, cancel, retry and change the priority (submission is {@link SubmissionService}). Cancel
 * and retry are decided by {@link JobLifecycle}. Every change writes its audit row ({@link
 * OperatorAudit}) in the transaction of the change.
 */
@ApplicationScoped
@Transactional
public class JobService {

    private final JobRepository jobs;
    private final JobLogRepository logs;
    private final JobValidator validator;
    private final JobLifecycle lifecycle;
    private final JobTransitions transitions;
    private final JobHistory history;
    private final OperatorAudit audit;

    public JobService(
            JobRepository jobs,
            JobLogRepository logs,
            JobValidator validator,
            JobLifecycle lifecycle,
            JobTransitions transitions,
            JobHistory history,
            OperatorAudit audit) {
        this.jobs = jobs;
        this.logs = logs;
        this.validator = validator;
        this.lifecycle = lifecycle;
        this.transitions = transitions;
        this.history = history;
        this.audit = audit;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Job get(UUID id) {
        return jobs.findByIdOptional(id).orElseThrow(() -> new JobNotFoundException(id));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Job> list(
            Optional<JobState> state,
            Optional<String> crate,
            Optional<UUID> builder,
            int page,
            int size) {
        return jobs.search(state, crate, builder, page, size);
    }

    /** Log lines of one attempt (the current one when absent) after {@code afterSeq}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<LogLine> logs(UUID id, Optional<Integer> attempt, long afterSeq, int limit) {
        Job job = get(id);
        return logs.after(id, attempt.orElse(job.attempt), afterSeq, limit);
    }

    /** The stages of one attempt, in order. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<StageChange> stages(UUID id, int attempt) {
        return logs.stages(id, attempt);
    }

    /**
     * Corrects the job's source URL; the SHA-256 stays, so the bytes the builder must find are the
     * same and only where to find them changes. The change (who, when, old, new) goes into the
     * job's history. An attempt already assigned keeps the URL it was given; the next attempt gets
     * the new one.
     */
    public Job correctSourceUrl(UUID id, String sourceUrl, String by) {
        validator.validateSourceUrl(sourceUrl);
        Job job = jobs.lock(id).orElseThrow(() -> new JobNotFoundException(id));
        if (sourceUrl.equals(job.sourceUrl)) {
            return job;
        }
        history.record(id, by, "sourceUrl", job.sourceUrl, sourceUrl);
        audit.job(id, by, "correct-sourceUrl", job.sourceUrl, sourceUrl);
        Log.infof("Job %s: source URL corrected by %s", id, by);
        job.sourceUrl = sourceUrl;
        job.updatedAt = Instant.now();
        return job;
    }

    /** What operators changed on the job, oldest first. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<JobHistory.Change> history(UUID id) {
        get(id);
        return history.of(id);
    }

    /** Cancels a job that has not finished; a builder holding it is told to stop. */
    public Job cancel(UUID id, String by) {
        return operatorAction(id, new Trigger.CancelRequested(by), "cancel", by);
    }

    /** Queues a failed or cancelled job again as a new attempt with a fresh attempt budget. */
    public Job retry(UUID id, String by) {
        Job job = operatorAction(id, new Trigger.RetryRequested(by), "retry", by);
        Log.infof("Job %s retried by %s as attempt %d", id, by, job.attempt);
        return job;
    }

    /**
     * Sets the priority the job is claimed by (higher first). A succeeded job is never built again,
     * so its priority is final; any other may change, and a failed or cancelled one keeps the new
     * priority for its retry. The new priority is also the one asked for (a requeue after a
     * builder's fault lowers the job below it, an operator's retry restores it). Setting the
     * priority it has, when no requeue lowered it, changes and records nothing.
     */
    public Job changePriority(UUID id, int priority, String by) {
        if (priority < JobValidator.MIN_PRIORITY || priority > JobValidator.MAX_PRIORITY) {
            throw new InvalidSubmissionException(
                    "priority",
                    "field 'priority' must be between "
                            + JobValidator.MIN_PRIORITY
                            + " and "
                            + JobValidator.MAX_PRIORITY);
        }
        Job job = jobs.lock(id).orElseThrow(() -> new JobNotFoundException(id));
        if (job.state == JobState.SUCCEEDED) {
            throw new JobConflictException(
                    "job " + id + " has succeeded and is not built again: its priority is final");
        }
        if (job.priority == priority && job.requestedPriority == null) {
            return job;
        }
        audit.job(
                id, by, "set-priority", Integer.toString(job.priority), Integer.toString(priority));
        Log.infof("Job %s: priority %d -> %d by %s", id, job.priority, priority, by);
        job.priority = priority;
        // What the operator asked for is now the priority asked for: a later retry starts from it.
        job.requestedPriority = null;
        job.updatedAt = Instant.now();
        return job;
    }

    /**
     * Decides the operator's request on the locked job; a refusal is a 409 that changes nothing.
     * What it changed is audited as the job's state and attempt before and after.
     */
    private Job operatorAction(UUID id, Trigger trigger, String action, String by) {
        Job job = jobs.lock(id).orElseThrow(() -> new JobNotFoundException(id));
        Instant now = Instant.now();
        Decision decision = lifecycle.decide(job.lifecycleFacts(), trigger, now);
        if (decision instanceof Decision.Refuse refuse) {
            throw new JobConflictException(refuse.detail());
        }
        String before = stateOf(job);
        transitions.apply(job, decision, null, now);
        audit.job(id, by, action, before, stateOf(job));
        return job;
    }

    private static String stateOf(Job job) {
        return job.state.wireName() + ", attempt " + job.attempt;
    }
}
