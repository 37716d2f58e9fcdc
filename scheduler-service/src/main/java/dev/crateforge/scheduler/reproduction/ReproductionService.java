package dev.crateforge.scheduler.reproduction;

import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.job.ReproductionVerdict;
import dev.crateforge.protocol.kafka.Reproduction;
import dev.crateforge.scheduler.assignment.WorkSignal;
import dev.crateforge.scheduler.audit.OperatorAudit;
import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.job.JobConflictException;
import dev.crateforge.scheduler.job.JobNotFoundException;
import dev.crateforge.scheduler.job.JobRepository;
import dev.crateforge.scheduler.messaging.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Settles reproductions once all their builds ended ({@link ReproductionJudge}), writes the verdict
 * on every build and announces it (a fresh state record per build, which the artifact service
 * publishes or withholds by), counts the builders' standings and quarantines the ones that keep
 * disagreeing; and carries out an operator's release or extra build.
 */
@ApplicationScoped
public class ReproductionService {

    private final ReproductionRepository reproductions;
    private final ReputationRepository reputations;
    private final JobRepository jobs;
    private final OperatorAudit audit;
    private final EventPublisher publisher;
    private final WorkSignal workSignal;
    private final SchedulerConfig config;
    private final MeterRegistry meters;

    public ReproductionService(
            ReproductionRepository reproductions,
            ReputationRepository reputations,
            JobRepository jobs,
            OperatorAudit audit,
            EventPublisher publisher,
            WorkSignal workSignal,
            SchedulerConfig config,
            MeterRegistry meters) {
        this.reproductions = reproductions;
        this.reputations = reputations;
        this.jobs = jobs;
        this.audit = audit;
        this.publisher = publisher;
        this.workSignal = workSignal;
        this.config = config;
        this.meters = meters;
    }

    /**
     * Settles up to {@code limit} reproductions whose builds all ended, among all pending ones or,
     * with {@code endedSince}, among those with a build that ended since then; other replicas
     * settle others at the same time.
     *
     * @return how many were settled
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int settleEnded(int limit, Optional<Instant> endedSince) {
        List<UUID> groups = reproductions.lockSettleable(limit, endedSince);
        groups.forEach(this::settle);
        return groups.size();
    }

    private void settle(UUID group) {
        List<BuildOutcome> builds = reproductions.outcomes(group);
        Judgement judgement = ReproductionJudge.judge(builds);
        reproductions.settle(group, judgement.verdict(), builds);
        List<UUID> quarantined =
                reputations.count(
                        judgement.standings(),
                        config.quarantineAfterDisagreements(),
                        "disagreed with the majority "
                                + config.quarantineAfterDisagreements()
                                + " times, last in reproduction "
                                + group);
        announce(group);
        meters.counter(
                        "crateforge.scheduler.reproductions",
                        "verdict",
                        judgement.verdict().wireName())
                .increment();
        Log.infof(
                "Reproduction %s of %d builds: %s (%s)",
                group, builds.size(), judgement.verdict(), judgement.standings());
        quarantined.forEach(
                builder ->
                        Log.warnf(
                                "Builder %s quarantined: it disagreed with the majority %d"
                                        + " times; it gets no jobs until an operator clears it",
                                builder, config.quarantineAfterDisagreements()));
    }

    /** A fresh state record for every build of the group, carrying its new verdict. */
    private void announce(UUID group) {
        jobs.list("reproductionGroup", group).forEach(publisher::stateChanged);
    }

    /**
     * Publishes {@code jobId}'s artifacts although its reproduction did not agree: an operator's
     * decision, audited. Only one build of a group is released at a time.
     */
    @Transactional
    public Reproduction release(UUID group, UUID jobId, String by) {
        List<Job> builds = builds(group);
        ReproductionVerdict verdict = verdictOf(builds);
        if (verdict != ReproductionVerdict.DISAGREED && verdict != ReproductionVerdict.INCOMPLETE) {
            throw new JobConflictException(
                    "reproduction "
                            + group
                            + " is "
                            + verdict
                            + "; only a disagreed or incomplete one has a side to release");
        }
        Job released =
                builds.stream()
                        .filter(b -> b.id.equals(jobId))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new JobConflictException(
                                                "job " + jobId + " is not a build of " + group));
        if (released.state != JobState.SUCCEEDED) {
            throw new JobConflictException(
                    "build " + jobId + " is " + released.state + "; only a success is released");
        }
        Instant now = Instant.now();
        for (Job build : builds) {
            build.reproductionReleased = build == released;
            build.updatedAt = now;
        }
        reproductions.released(group, jobId, by);
        audit.job(jobId, by, "release-build", verdict.wireName(), "released");
        builds.forEach(publisher::stateChanged);
        Log.infof("Build %s of reproduction %s released by %s", jobId, group, by);
        return released.reproduction();
    }

    /**
     * Queues one more build of a settled reproduction (a tie-breaker, or a second look after a
     * fault): every build then waits for the new verdict over all of them.
     */
    @Transactional
    public Job addBuild(UUID group, String by) {
        List<Job> builds = builds(group);
        ReproductionVerdict verdict = verdictOf(builds);
        if (verdict == ReproductionVerdict.PENDING) {
            throw new JobConflictException(
                    "reproduction " + group + " is still pending; its builds have not all ended");
        }
        if (builds.size() >= Reproduction.MOST_BUILDS) {
            throw new JobConflictException(
                    "reproduction "
                            + group
                            + " already has "
                            + builds.size()
                            + " builds, the most one may have");
        }
        Job first = builds.get(0);
        Instant now = Instant.now();
        Job extra = new Job();
        extra.id = UUID.randomUUID();
        extra.crate = first.crate;
        extra.version = first.version;
        extra.sourceUrl = first.sourceUrl;
        extra.sourceSha256 = first.sourceSha256;
        extra.target = first.target;
        extra.kind = first.kind;
        extra.priority = first.requestedPriority != null ? first.requestedPriority : first.priority;
        extra.fairTurn = first.fairTurn;
        extra.state = JobState.QUEUED;
        extra.attempt = 1;
        extra.maxAttempts = first.maxAttempts;
        extra.notBefore = now;
        extra.createdAt = now;
        extra.updatedAt = now;
        extra.replica = builds.stream().mapToInt(b -> b.replica).max().orElse(0) + 1;
        extra.reproductionGroup = group;
        jobs.persist(extra);
        builds.add(extra);
        for (Job build : builds) {
            build.reproduce = builds.size();
            build.reproductionVerdict = ReproductionVerdict.PENDING.wireName();
            build.reproductionReleased = false;
            build.updatedAt = now;
        }
        audit.job(group, by, "add-build", verdict.wireName(), extra.id.toString());
        jobs.flush();
        builds.forEach(publisher::stateChanged);
        workSignal.jobsQueued();
        Log.infof(
                "Reproduction %s gets build %s (%d in all), asked by %s",
                group, extra.id, builds.size(), by);
        return extra;
    }

    /**
     * Ends a builder's quarantine; its disagreements count from zero again. Audited.
     *
     * @return the record after clearing; empty when the builder has none
     */
    @Transactional
    public Optional<BuilderReputation> clearQuarantine(UUID builder, String by) {
        Optional<BuilderReputation> before = reputations.find(builder);
        Optional<BuilderReputation> after = reputations.clear(builder, by);
        after.ifPresent(
                cleared -> {
                    audit.builder(
                            builder,
                            by,
                            "clear-quarantine",
                            before.map(BuilderReputation::quarantineReason).orElse(null),
                            null);
                    Log.infof("Builder %s cleared of quarantine by %s", builder, by);
                });
        return after;
    }

    /** The group's builds, first build first; a group that does not exist is not found. */
    private List<Job> builds(UUID group) {
        List<Job> builds =
                new ArrayList<>(
                        jobs.list("reproductionGroup", group).stream()
                                .sorted(Comparator.comparingInt((Job b) -> b.replica))
                                .toList());
        if (builds.isEmpty()) {
            throw new JobNotFoundException(group);
        }
        return builds;
    }

    private static ReproductionVerdict verdictOf(List<Job> builds) {
        return ReproductionVerdict.fromWireName(builds.get(0).reproductionVerdict)
                .orElse(ReproductionVerdict.PENDING);
    }
}
