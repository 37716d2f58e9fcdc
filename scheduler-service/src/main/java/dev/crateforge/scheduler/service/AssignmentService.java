package dev.crateforge.scheduler.service;

import dev.crateforge.protocol.job.Naming;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.messaging.EventPublisher;
import dev.crateforge.scheduler.repository.BuilderConnectionRepository;
import dev.crateforge.scheduler.repository.Job;
import dev.crateforge.scheduler.repository.JobRepository;
import dev.crateforge.scheduler.repository.JobRequestRepository;
import dev.crateforge.scheduler.repository.WaitingRequest;
import dev.crateforge.scheduler.security.JobTokenIssuer;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Matches builder requests with queued jobs. A request is stored first and then served under its
 * row lock, so that exactly one transaction (on any replica) serves a request at a time, and the
 * claim itself ({@link JobRepository#claim}) guarantees no job goes to two builders. A request that
 * finds nothing stays stored and is served again when {@link WorkSignal} hears of new work.
 */
@ApplicationScoped
@Transactional
public class AssignmentService {

    private final JobRepository jobs;
    private final JobRequestRepository requests;
    private final BuilderConnectionRepository connections;
    private final JobTokenIssuer tokens;
    private final EventPublisher publisher;
    private final SchedulerMetrics metrics;
    private final SchedulerConfig config;

    public AssignmentService(
            JobRepository jobs,
            JobRequestRepository requests,
            BuilderConnectionRepository connections,
            JobTokenIssuer tokens,
            EventPublisher publisher,
            SchedulerMetrics metrics,
            SchedulerConfig config) {
        this.jobs = jobs;
        this.requests = requests;
        this.connections = connections;
        this.tokens = tokens;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * Stores (or replaces) the connection's request and serves it at once from the queue.
     *
     * @return the number of jobs assigned now
     */
    public int requestReceived(JobRequested request) {
        List<String> targets =
                request.targets().stream().filter(Naming::isTarget).distinct().toList();
        if (request.freeSlots() == 0 || targets.isEmpty()) {
            // Nothing to serve: the newer request replaces the old one with "nothing".
            requests.delete(request.connectionId());
            return 0;
        }
        if (connections.isClosed(request.connectionId())) {
            Log.infof(
                    "Ignoring a request of closed connection %s (builder %s)",
                    request.connectionId(), request.builderId());
            return 0;
        }
        requests.upsert(
                new WaitingRequest(
                        request.connectionId(),
                        request.builderId(),
                        request.gatewayInstance(),
                        targets,
                        request.freeSlots(),
                        request.requestedAt()));
        return requests.lock(request.connectionId()).map(this::serve).orElse(0);
    }

    /**
     * Handles one poll of requests in one transaction, in their order (a later request of a
     * connection replaces an earlier one, as it would record by record).
     *
     * @return the number of jobs assigned now
     */
    public int requestsReceived(List<JobRequested> batch) {
        int assigned = 0;
        for (JobRequested request : batch) {
            assigned += requestReceived(request);
        }
        return assigned;
    }

    /** Serves one waiting request, unless another transaction is serving it right now. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int serveWaiting(String connectionId) {
        return requests.lock(connectionId).map(this::serve).orElse(0);
    }

    /** Connections whose requests wait, oldest first. */
    public List<String> waitingConnections() {
        return requests.waitingConnections();
    }

    private int serve(WaitingRequest request) {
        List<Job> claimed =
                jobs.claim(
                        request.targets(),
                        request.freeSlots(),
                        request.builderId(),
                        request.connectionId(),
                        request.gatewayInstance(),
                        config.lease());
        if (claimed.isEmpty()) {
            return 0;
        }
        Instant now = Instant.now();
        for (Job job : claimed) {
            String uploadUrl =
                    config.artifactBaseUrl()
                            + "/api/v1/jobs/"
                            + job.id
                            + "/artifacts/"
                            + job.kind.wireName();
            JobAssignment assignment =
                    new JobAssignment(
                            job.id,
                            job.attempt,
                            job.crate,
                            job.version,
                            job.sourceUrl,
                            job.sourceSha256,
                            job.target,
                            job.kind,
                            uploadUrl,
                            tokens.mint(job, request.builderId(), now),
                            (int) config.jobTimeout().toSeconds());
            publisher.jobAssigned(
                    new JobAssigned(
                            request.builderId(),
                            request.connectionId(),
                            request.gatewayInstance(),
                            assignment,
                            now));
            publisher.stateChanged(job);
            metrics.assigned(Duration.between(request.requestedAt(), now));
            Log.infof(
                    "Assigned job %s attempt %d (%s@%s %s %s) to builder %s",
                    job.id,
                    job.attempt,
                    job.crate,
                    job.version,
                    job.target,
                    job.kind,
                    request.builderId());
        }
        requests.setFreeSlots(request.connectionId(), request.freeSlots() - claimed.size());
        return claimed.size();
    }
}
