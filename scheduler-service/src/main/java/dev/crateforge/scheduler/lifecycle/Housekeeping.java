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
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The timers: the lease sweep (runs on every replica; {@code SKIP LOCKED} keeps them apart; it also
 * settles reproductions whose builds all ended and retires gateway instances whose heartbeats
 * stopped), the wake-up for jobs whose backoff just ended (nothing else announces the passing of
 * time), and the queue-depth count for the gauges.
 */
@ApplicationScoped
public class Housekeeping {

    private static final int SWEEP_BATCH = 200;
    private static final Duration SETTLE_OVERLAP = Duration.ofMinutes(1);
    private static final Duration FULL_SETTLE_EVERY = Duration.ofMinutes(10);

    private final LifecycleService lifecycle;
    private final GatewayInstances gateways;
    private final JobRepository jobs;
    private final WorkSignal workSignal;
    private final SchedulerMetrics metrics;
    private final ReproductionService reproductions;
    private final ReputationRepository reputations;
    private volatile Instant lastEligibilityCheck = Instant.now();
    private volatile Instant lastSettleLook = Instant.EPOCH;
    private volatile Instant lastFullSettle;

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
            settleReproductions();
            gateways.retireExpired();
            lifecycle.purgeClosedConnections();
        } catch (RuntimeException e) {
            Log.error("Lease sweep failed; the next run retries", e);
        }
    }

    /**
     * Settles the reproductions whose builds all ended. A group can only become settleable when one
     * of its builds ends, so a sweep looks at the groups with a build that ended since the last
     * look (less an overlap for transactions that committed late); every {@link
     * #FULL_SETTLE_EVERY}, and at start-up, it looks at every pending group, for anything a
     * narrowed look could have missed (a replica's clock, a transaction longer than the overlap).
     */
    void settleReproductions() {
        Instant now = Instant.now();
        Instant full = lastFullSettle;
        Optional<Instant> endedSince =
                full == null || now.isAfter(full.plus(FULL_SETTLE_EVERY))
                        ? Optional.empty()
                        : Optional.of(lastSettleLook.minus(SETTLE_OVERLAP));
        while (reproductions.settleEnded(SWEEP_BATCH, endedSince) == SWEEP_BATCH) {
            // more groups ended than one batch holds
        }
        lastSettleLook = now;
        if (endedSince.isEmpty()) {
            lastFullSettle = now;
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
