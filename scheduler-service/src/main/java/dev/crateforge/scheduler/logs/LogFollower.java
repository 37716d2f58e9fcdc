package dev.crateforge.scheduler.logs;

import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.job.JobRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows one attempt's log for a Server-Sent Events client. It reads the table every half second
 * (lines may be stored by any replica, so an in-process signal would miss some) and ends once the
 * attempt is over and every line has been sent.
 */
@ApplicationScoped
public class LogFollower {

    /** Lines per read. */
    static final int BATCH = 1000;

    /** Pause between reads while the attempt runs. */
    static final Duration PERIOD = Duration.ofMillis(500);

    /** What one read found, and whether the attempt has ended with nothing left to send. */
    public record Batch(List<LogLine> lines, boolean finished) {}

    private final JobRepository jobs;
    private final JobLogRepository logs;

    public LogFollower(JobRepository jobs, JobLogRepository logs) {
        this.jobs = jobs;
        this.logs = logs;
    }

    public Multi<LogLine> follow(UUID jobId, int attempt, long after) {
        AtomicLong last = new AtomicLong(after);
        return Multi.createBy()
                .repeating()
                .uni(
                        () ->
                                Uni.createFrom()
                                        .item(() -> read(jobId, attempt, last))
                                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .withDelay(PERIOD)
                .whilst(batch -> !batch.finished())
                .onItem()
                .transformToIterable(Batch::lines);
    }

    @Transactional
    Batch read(UUID jobId, int attempt, AtomicLong last) {
        // State first: if the attempt was over before the read, the read saw its last line.
        Job job = jobs.findById(jobId);
        boolean over = job == null || job.attempt != attempt || job.state.isFinal();
        List<LogLine> lines = logs.after(jobId, attempt, last.get(), BATCH);
        if (!lines.isEmpty()) {
            last.set(lines.get(lines.size() - 1).seq());
        }
        return new Batch(lines, over && lines.size() < BATCH);
    }
}
