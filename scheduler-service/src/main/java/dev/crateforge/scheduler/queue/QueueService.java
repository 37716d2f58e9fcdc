package dev.crateforge.scheduler.queue;

import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.queue.QueueStatistics.QueuedGroup;
import dev.crateforge.scheduler.queue.QueueSummary.KindDepth;
import dev.crateforge.scheduler.queue.QueueSummary.PriorityDepth;
import dev.crateforge.scheduler.queue.QueueSummary.TargetQueue;
import dev.crateforge.scheduler.queue.WaitEstimator.QueuedWork;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Answers where a queued job stands and how the queue looks, for the API and the console. */
@ApplicationScoped
@Transactional
public class QueueService {

    private final QueueStatistics statistics;

    public QueueService(QueueStatistics statistics) {
        this.statistics = statistics;
    }

    /** The job's place in its queue and expected start; empty unless the job is queued. */
    public Optional<QueueEstimate> estimate(Job job) {
        if (job.state != JobState.QUEUED) {
            return Optional.empty();
        }
        Map<ArtifactKind, Long> ahead = statistics.jobsAhead(job);
        // One look-up per kind for the whole answer: the job's own kind is usually also ahead.
        Map<ArtifactKind, Optional<Duration>> durations = new EnumMap<>(ArtifactKind.class);
        Function<ArtifactKind, Optional<Duration>> typical =
                kind ->
                        durations.computeIfAbsent(
                                kind, k -> statistics.typicalDuration(job.target, k));
        Optional<Instant> eta =
                WaitEstimator.estimatedStart(
                        work(ahead, typical),
                        statistics.capacity(job.target),
                        typical.apply(job.kind),
                        Instant.now(),
                        job.notBefore);
        long position = 1 + ahead.values().stream().mapToLong(Long::longValue).sum();
        return Optional.of(new QueueEstimate(position, eta.orElse(null)));
    }

    /** Queued jobs of one target per kind, each kind with its typical duration. */
    private static List<QueuedWork> work(
            Map<ArtifactKind, Long> jobsByKind,
            Function<ArtifactKind, Optional<Duration>> typicalDuration) {
        List<QueuedWork> work = new ArrayList<>();
        jobsByKind.forEach(
                (kind, jobs) -> work.add(new QueuedWork(kind, jobs, typicalDuration.apply(kind))));
        return work;
    }

    /** Every target that has queued jobs or slots, in name order. */
    public QueueSummary summary() {
        Instant now = Instant.now();
        Map<String, List<QueuedGroup>> queuedByTarget =
                statistics.queuedGroups().stream()
                        .collect(
                                Collectors.groupingBy(
                                        QueuedGroup::target, TreeMap::new, Collectors.toList()));
        Map<String, TargetCapacity> capacities = statistics.capacities();
        TreeSet<String> targets = new TreeSet<>(queuedByTarget.keySet());
        targets.addAll(capacities.keySet());
        List<TargetQueue> queues = new ArrayList<>();
        for (String target : targets) {
            queues.add(
                    targetQueue(
                            target,
                            queuedByTarget.getOrDefault(target, List.of()),
                            capacities.getOrDefault(target, new TargetCapacity(0, 0)),
                            now));
        }
        long queued = queues.stream().mapToLong(TargetQueue::queued).sum();
        return new QueueSummary(now, queued, queues);
    }

    private TargetQueue targetQueue(
            String target, List<QueuedGroup> groups, TargetCapacity capacity, Instant now) {
        Map<Integer, Long> byPriority =
                groups.stream()
                        .collect(
                                Collectors.groupingBy(
                                        QueuedGroup::priority,
                                        TreeMap::new,
                                        Collectors.summingLong(QueuedGroup::queued)));
        Map<ArtifactKind, Long> byKind =
                groups.stream()
                        .collect(
                                Collectors.groupingBy(
                                        QueuedGroup::kind,
                                        TreeMap::new,
                                        Collectors.summingLong(QueuedGroup::queued)));
        List<QueuedWork> work = work(byKind, kind -> statistics.typicalDuration(target, kind));
        List<KindDepth> kinds =
                work.stream()
                        .map(
                                w ->
                                        new KindDepth(
                                                w.kind(),
                                                w.jobs(),
                                                w.typical()
                                                        .map(d -> d.toMillis() / 1000.0)
                                                        .orElse(null)))
                        .toList();
        List<PriorityDepth> priorities = new ArrayList<>();
        byPriority.forEach(
                (priority, queued) -> priorities.add(new PriorityDepth(priority, queued)));
        priorities.sort(Comparator.comparingInt(PriorityDepth::priority).reversed());
        return new TargetQueue(
                target,
                groups.stream().mapToLong(QueuedGroup::queued).sum(),
                groups.stream()
                        .map(QueuedGroup::oldest)
                        .min(Comparator.naturalOrder())
                        .orElse(null),
                capacity.busySlots(),
                capacity.freeSlots(),
                priorities,
                kinds,
                WaitEstimator.estimatedDrain(work, capacity, now).orElse(null));
    }
}
