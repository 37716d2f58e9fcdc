package dev.crateforge.scheduler.messaging;

import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.job.SchedulerMetrics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;

/**
 * Runs a consumer's work again and again while a dependency is down, with a doubling pause, so that
 * the channel waits for the database or broker instead of committing or dead-lettering a record it
 * could not process. The consumer's thread waits here; the Kafka connector goes on polling with the
 * partitions paused, so the consumer keeps its group membership however long the outage lasts.
 */
@ApplicationScoped
public class UntilProcessed {

    /** What a run ended with. */
    public enum Outcome {
        /** The work succeeded. */
        DONE,
        /**
         * The application is stopping while a dependency is down: leave the records unacknowledged.
         */
        STOPPING
    }

    private final SchedulerConfig config;
    private final SchedulerMetrics metrics;
    private volatile boolean stopping;

    public UntilProcessed(SchedulerConfig config, SchedulerMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /**
     * Runs {@code work} until it succeeds. A failure that is not a dependency's is rethrown at
     * once: it belongs to the record.
     */
    public Outcome run(String channel, Runnable work) {
        Duration pause = config.consumerRetryInitial();
        for (int tries = 1; ; tries++) {
            try {
                work.run();
                if (tries > 1) {
                    Log.infof(
                            "%s: processed after %d tries; the dependency is back", channel, tries);
                }
                return Outcome.DONE;
            } catch (RuntimeException e) {
                if (!DependencyFailures.isDependencyDown(e)) {
                    throw e;
                }
                metrics.consumerRetry(channel);
                if (tries == 1 || tries % 20 == 0) {
                    Log.warnf(
                            "%s: a dependency is down (%s); retrying every %s at most, nothing is"
                                    + " committed meanwhile (try %d)",
                            channel, e.toString(), config.consumerRetryMax(), tries);
                }
            }
            if (stopping || !pause(pause)) {
                Log.warnf("%s: stopping with records unprocessed; they are redelivered", channel);
                return Outcome.STOPPING;
            }
            pause = pause.multipliedBy(2);
            if (pause.compareTo(config.consumerRetryMax()) > 0) {
                pause = config.consumerRetryMax();
            }
        }
    }

    private static boolean pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
