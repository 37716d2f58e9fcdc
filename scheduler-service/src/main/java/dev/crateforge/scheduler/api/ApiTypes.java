package dev.crateforge.scheduler.api;

import dev.crateforge.scheduler.logs.LogLine;
import dev.crateforge.scheduler.submission.JobSubmission;
import java.util.List;
import java.util.UUID;

/** The small request and response bodies of the jobs API. */
public final class ApiTypes {

    private ApiTypes() {}

    /** Several submissions at once; all are validated before any is stored. */
    public record BatchSubmission(List<JobSubmission> jobs) {}

    /** One result of a batch: the job, and whether the batch created it. */
    public record BatchEntry(boolean created, JobView job) {}

    /** The results of a batch, in the order submitted. */
    public record BatchResult(List<BatchEntry> jobs) {}

    /** One page of the job list, newest first. */
    public record JobPage(int page, int size, List<JobView> items) {}

    /**
     * Log lines of one attempt. {@code next} is the {@code after} value for the following call;
     * {@code stages} are all stages the attempt went through, in order, each with the {@code seq}
     * that places it among the lines.
     */
    public record LogPage(
            UUID jobId, int attempt, long next, List<LogLine> lines, List<Stage> stages) {}

    /** A stage of an attempt: it began after the lines with a smaller {@code seq}. */
    public record Stage(long seq, String stage, java.time.Instant at) {}

    /** The body of a priority change. */
    public record PriorityChange(Integer priority) {}

    /** A correction of a job's source URL; the SHA-256 stays as submitted. */
    public record SourceCorrection(String sourceUrl) {}
}
