package dev.crateforge.scheduler.assignment;

import dev.crateforge.messaging.outbox.AfterCommit;
import dev.crateforge.messaging.outbox.OutboxRecord;
import dev.crateforge.protocol.job.JobLimitsOverride;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.job.Naming;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.protocol.kafka.JobStateChanged;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.job.SchedulerMetrics;
import dev.crateforge.scheduler.limits.CrateLimitsRepository;
import dev.crateforge.scheduler.messaging.EventPublisher;
import dev.crateforge.scheduler.security.JobTokenIssuer;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches builder requests with queued jobs. Requests are stored first and then served under their
 * row locks, so that exactly one transaction (on any replica) serves a request at a time, and the
 * claim itself ({@link JobClaimRepository#claim}) guarantees no job goes to two builders. A builder
 * gets at most its free slots and at most its concurrency limit minus the attempts it holds. A
 * request that finds nothing (or less than it asked for) stays stored and is served again when
 * {@link WorkSignal} hears of new work or of an attempt that ended. Many requests are served
 * together with a fixed number of statements; the assignments (with their job tokens) and state
 * changes are written to the outbox with one insert in the same transaction. Each assignment
 * carries the limits an operator set for its crate ({@code crate_limits}), read for the whole
 * claimed batch with one primary-key look-up.
 */
@ApplicationScoped
@Transactional
public class AssignmentService {

    private final JobClaimRepository claims;
    private final JobRequestRepository requests;
    private final JobTokenIssuer tokens;
    private final EventPublisher publisher;
    private final AfterCommit afterCommit;
    private final SchedulerMetrics metrics;
    private final SchedulerConfig config;
    private final CrateLimitsRepository limits;

    public AssignmentService(
            JobClaimRepository claims,
            JobRequestRepository requests,
            JobTokenIssuer tokens,
            EventPublisher publisher,
            AfterCommit afterCommit,
            SchedulerMetrics metrics,
            SchedulerConfig config,
            CrateLimitsRepository limits) {
        this.limits = limits;
        this.claims = claims;
        this.requests = requests;
        this.tokens = tokens;
        this.publisher = publisher;
        this.afterCommit = afterCommit;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * Stores (or replaces) the connection's request and serves it at once from the queue.
     *
     * @return the number of jobs assigned now
     */
    public int requestReceived(JobRequested request) {
        return requestsReceived(List.of(request));
    }

    /**
     * Handles one poll of requests in one transaction, with the same outcome as one by one in their
     * order: a later request of a connection replaces an earlier one after the earlier one was
     * served. To keep that, the batch is cut wherever a connection repeats, and each part (usually
     * the whole poll) is stored and served with a few statements.
     *
     * @return the number of jobs assigned now
     */
    public int requestsReceived(List<JobRequested> batch) {
        int assigned = 0;
        List<JobRequested> part = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JobRequested request : batch) {
            if (!seen.add(request.connectionId())) {
                assigned += receive(part);
                part = new ArrayList<>();
                seen.clear();
                seen.add(request.connectionId());
            }
            part.add(request);
        }
        return assigned + receive(part);
    }

    /** Serves waiting requests, unless another transaction is serving them right now. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int serveWaiting(List<String> connectionIds) {
        return serve(requests.lockAll(connectionIds));
    }

    /** Connections whose requests wait, oldest first. */
    public List<String> waitingConnections() {
        return requests.waitingConnections();
    }

    /** Requests of distinct connections. */
    private int receive(List<JobRequested> part) {
        List<String> withdrawn = new ArrayList<>();
        List<WaitingRequest> offered = new ArrayList<>();
        for (JobRequested request : part) {
            List<String> targets =
                    request.targets().stream().filter(Naming::isTarget).distinct().toList();
            if (request.freeSlots() <= 0 || targets.isEmpty()) {
                // Nothing to serve: the newer request replaces the old one with "nothing".
                withdrawn.add(request.connectionId());
            } else {
                offered.add(
                        new WaitingRequest(
                                request.connectionId(),
                                request.builderId(),
                                request.gatewayInstance(),
                                targets,
                                request.freeSlots(),
                                request.concurrencyLimit(),
                                request.requestedAt(),
                                request.owner()));
            }
        }
        requests.deleteAll(withdrawn);
        List<WaitingRequest> stored = requests.storeUnlessClosed(offered);
        if (stored.size() < offered.size()) {
            Set<String> kept = new HashSet<>();
            stored.forEach(r -> kept.add(r.connectionId()));
            offered.stream()
                    .filter(r -> !kept.contains(r.connectionId()))
                    .forEach(
                            r ->
                                    Log.infof(
                                            "Ignoring a request of closed connection %s"
                                                    + " (builder %s)",
                                            r.connectionId(), r.builderId()));
        }
        return serve(stored);
    }

    /** Serves requests this transaction holds locked. */
    private int serve(List<WaitingRequest> locked) {
        List<ClaimedJob> claimed = claims.claim(locked, config.lease());
        if (claimed.isEmpty()) {
            return 0;
        }
        Map<String, Integer> taken = new HashMap<>();
        for (ClaimedJob job : claimed) {
            taken.merge(job.request().connectionId(), 1, Integer::sum);
        }
        requests.takeSlots(locked, taken);
        announce(claimed);
        return claimed.size();
    }

    /**
     * Mints each token and writes the assignments and state changes to the outbox, all with one
     * insert. Signing (~0.1 ms a token) happens under the rows' locks: the assignment must be in
     * the outbox of the transaction that made it.
     */
    private void announce(List<ClaimedJob> claimed) {
        Instant now = Instant.now();
        int timeout = (int) config.jobTimeout().toSeconds();
        List<OutboxRecord> records = new ArrayList<>(claimed.size() * 2);
        Map<String, JobLimitsOverride> crateLimits =
                limits.forCrates(claimed.stream().map(ClaimedJob::crate).distinct().toList());
        for (ClaimedJob job : claimed) {
            WaitingRequest request = job.request();
            {
                String uploadUrl =
                        config.artifactBaseUrl()
                                + "/api/v1/jobs/"
                                + job.id()
                                + "/artifacts/"
                                + job.kind().wireName();
                JobAssignment assignment =
                        new JobAssignment(
                                job.id(),
                                job.attempt(),
                                job.crate(),
                                job.version(),
                                job.sourceUrl(),
                                job.sourceSha256(),
                                job.target(),
                                job.kind(),
                                uploadUrl,
                                tokens.mint(job, request.builderId(), now),
                                timeout,
                                crateLimits.get(job.crate()));
                records.add(
                        publisher.assignment(
                                new JobAssigned(
                                        request.builderId(),
                                        request.connectionId(),
                                        request.gatewayInstance(),
                                        assignment,
                                        now)));
                records.add(
                        publisher.state(
                                new JobStateChanged(
                                        job.id(),
                                        job.attempt(),
                                        JobState.ASSIGNED,
                                        request.builderId(),
                                        job.crate(),
                                        job.version(),
                                        job.target(),
                                        job.kind(),
                                        null,
                                        now,
                                        job.reproduction())));
            }
        }
        publisher.publish(records);
        afterCommit.run(() -> assigned(claimed, now));
    }

    /** Counts and logs the assignments once they are committed. */
    private void assigned(List<ClaimedJob> claimed, Instant now) {
        for (ClaimedJob job : claimed) {
            WaitingRequest request = job.request();
            metrics.assigned(Duration.between(request.requestedAt(), now));
            Log.infof(
                    "Assigned job %s attempt %d (%s@%s %s %s) to builder %s",
                    job.id(),
                    job.attempt(),
                    job.crate(),
                    job.version(),
                    job.target(),
                    job.kind(),
                    request.builderId());
        }
    }
}
