package dev.crateforge.scheduler.logs;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows one attempt's log for a Server-Sent Events client. It reads the table again as soon as
 * this replica commits lines of the job ({@link LogSignal}), and at the latest every half second
 * (lines stored by another replica), and ends once the attempt is over and every line has been
 * sent.
 */
@ApplicationScoped
public class LogFollower {

    /** Lines per read. */
    static final int BATCH = 1000;

    /** Pause between reads while the attempt runs. */
    static final Duration PERIOD = Duration.ofMillis(500);

    /** What one read found, and whether the attempt has ended with nothing left to send. */
    public record Batch(List<LogLine> lines, boolean finished) {}

    private final JobLogRepository logs;
    private final LogSignal signal;

    public LogFollower(JobLogRepository logs, LogSignal signal) {
        this.logs = logs;
        this.signal = signal;
    }

    public Multi<LogLine> follow(UUID jobId, int attempt, long after) {
        AtomicLong last = new AtomicLong(after);
        AtomicLong number = new AtomicLong(-1); // unknown until the first read counts it
        AtomicReference<CompletableFuture<Void>> wake = new AtomicReference<>();
        AtomicBoolean full = new AtomicBoolean(true);
        return Multi.createBy()
                .repeating()
                .uni(
                        () -> {
                            // Wait for lines of this job committed here, or the period (lines
                            // another replica stored), unless the last read filled a batch.
                            CompletableFuture<Void> previous = wake.get();
                            Uni<Void> pause =
                                    previous == null || full.get()
                                            ? Uni.createFrom().voidItem()
                                            : Uni.createFrom()
                                                    .completionStage(previous)
                                                    .ifNoItem()
                                                    .after(PERIOD)
                                                    .recoverWithItem((Void) null);
                            return pause.emitOn(Infrastructure.getDefaultWorkerPool())
                                    .map(
                                            ignored -> {
                                                if (previous != null) {
                                                    signal.forget(jobId, previous);
                                                }
                                                // Armed before the read: a commit after it wakes
                                                // us.
                                                wake.set(signal.next(jobId));
                                                Batch batch = read(jobId, attempt, last, number);
                                                full.set(batch.lines().size() >= BATCH);
                                                return batch;
                                            });
                        })
                .whilst(batch -> !batch.finished())
                .onTermination()
                .invoke(
                        () -> {
                            CompletableFuture<Void> pending = wake.get();
                            if (pending != null) {
                                signal.forget(jobId, pending);
                            }
                        })
                .onItem()
                .transformToIterable(Batch::lines);
    }

    /**
     * One read, one statement ({@link JobLogRepository#follow}): the state and the lines come from
     * the same snapshot, so an attempt seen over has no line left unread; {@code number} carries
     * the place of the last line sent, so that only the first read counts the lines before it.
     */
    @Transactional
    Batch read(UUID jobId, int attempt, AtomicLong last, AtomicLong number) {
        Optional<JobLogRepository.Followed> followed =
                logs.follow(jobId, attempt, last.get(), number.get(), BATCH);
        List<LogLine> lines = followed.map(JobLogRepository.Followed::lines).orElse(List.of());
        boolean over =
                followed.isEmpty()
                        || followed.get().jobAttempt() != attempt
                        || followed.get().state().isFinal();
        if (!lines.isEmpty()) {
            LogLine lastLine = lines.get(lines.size() - 1);
            last.set(lastLine.seq());
            number.set(lastLine.number());
        }
        return new Batch(lines, over && lines.size() < BATCH);
    }
}
