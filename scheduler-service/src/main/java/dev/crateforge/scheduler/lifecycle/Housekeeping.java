package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.scheduler.assignment.WorkSignal;
import dev.crateforge.scheduler.job.JobRepository;
import dev.crateforge.scheduler.job.SchedulerMetrics;
import dev.crateforge.scheduler.reproduction.ReproductionService;
import dev.crateforge.scheduler.reproduction.ReputationRepository;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * The timers: the lease sweep (runs on every replica; {@code SKIP LOCKED} keeps them apart; it also
 * settles reproductions whose builds all ended and retires gateway instances whose heartbeats
 * stopped), the wake-up for jobs whose backoff just ended (nothing else announces the passing of
 * time), and the queue-depth count for the gauges.
 */
@ApplicationScoped
public class Housekeeping {

    private static final int SWEEP_BATCH = 200;

    private final LifecycleService lifecycle;
    private final GatewayInstances gateways;
    private final JobRepository jobs;
    private final WorkSignal workSignal;
    private final SchedulerMetrics metrics;
    private final ReproductionService reproductions;
    private final ReputationRepository reputations;
    private volatile Instant lastEligibilityCheck = Instant.now();

    public Housekeeping(
            LifecycleService lifecycle,
            GatewayInstances gateways,
            JobRepository jobs,
            WorkSignal workSignal,
            SchedulerMetrics metrics,
            ReproductionService reproductions,
            ReputationRepository reputations) {
        this.reproductions = reproductions;
        this.reputations = reputations;
        this.lifecycle = lifecycle;
        this.gateways = gateways;
        this.jobs = jobs;
        this.workSignal = workSignal;
        this.metrics = metrics;
    }

    @Scheduled(
            identity = "lease-sweep",
            every = "${crateforge.scheduler.sweep-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sweep() {
        try {
            int handled;
            do {
                handled = lifecycle.sweepOverdue(SWEEP_BATCH);
            } while (handled == SWEEP_BATCH);
            wakeForEndedBackoff();
            while (reproductions.settleEnded(SWEEP_BATCH) == SWEEP_BATCH) {
                // more groups ended than one batch holds
            }
            gateways.retireExpired();
            lifecycle.purgeClosedConnections();
        } catch (RuntimeException e) {
            Log.error("Lease sweep failed; the next run retries", e);
        }
    }

    @Transactional
    void wakeForEndedBackoff() {
        Instant since = lastEligibilityCheck;
        lastEligibilityCheck = Instant.now();
        if (jobs.anyBecameEligibleSince(since.minusSeconds(1))) {
            workSignal.wake();
        }
    }

    @Scheduled(
            identity = "rematch",
            every = "${crateforge.scheduler.rematch-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void rematch() {
        workSignal.wake();
    }

    @Scheduled(
            identity = "queue-depth",
            every = "${crateforge.scheduler.queue-metrics-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    @Transactional
    void countQueue() {
        metrics.queueDepth(jobs.countLiveByStateAndTarget());
        metrics.quarantinedBuilders(reputations.quarantinedCount());
    }
}
