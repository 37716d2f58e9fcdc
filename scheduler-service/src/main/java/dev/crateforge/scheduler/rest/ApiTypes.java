package dev.crateforge.scheduler.rest;

import dev.crateforge.scheduler.repository.LogLine;
import dev.crateforge.scheduler.service.JobSubmission;
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

    /** Log lines of one attempt. {@code next} is the {@code after} value for the following call. */
    public record LogPage(UUID jobId, int attempt, long next, List<LogLine> lines) {}
}
