package dev.crateforge.scheduler.intake;

import dev.crateforge.messaging.outbox.AfterCommit;
import dev.crateforge.messaging.outbox.OutboxRecord;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.JobStateChanged;
import dev.crateforge.protocol.kafka.VersionYankChanged;
import dev.crateforge.scheduler.assignment.WorkSignal;
import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.job.JobRepository;
import dev.crateforge.scheduler.lifecycle.Decision;
import dev.crateforge.scheduler.lifecycle.JobLifecycle;
import dev.crateforge.scheduler.lifecycle.JobTransitions;
import dev.crateforge.scheduler.lifecycle.Trigger;
import dev.crateforge.scheduler.messaging.EventPublisher;
import dev.crateforge.scheduler.reproduction.ReproductionRepository;
import dev.crateforge.scheduler.submission.InvalidSubmissionException;
import dev.crateforge.scheduler.submission.JobSubmission;
import dev.crateforge.scheduler.submission.JobValidator;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Follows the registries' git indexes. One poll of a registry is one database transaction under the
 * registry's advisory lock: fetch the index, read the commits after the cursor, queue the new
 * versions' jobs in bulk, carry out yanks and unyanks through {@link JobLifecycle}, and move the
 * cursor. The jobs and the cursor commit together, so a crash at any moment repeats a poll at most
 * and never skips or duplicates a version; a replica that does not get the lock skips the poll.
 */
@ApplicationScoped
public class RegistryWatcher {

    /** How a poll ended. */
    public enum Outcome {
        POLLED,
        /** Another watcher holds the registry's lock right now. */
        NOT_LEADER,
        PAUSED,
        FAILED
    }

    /** What one poll did. */
    public record PollResult(Outcome outcome, long versionsSeen, long jobsCreated, long badInput) {
        static PollResult nothing(Outcome outcome) {
            return new PollResult(outcome, 0, 0, 0);
        }
    }

    private final IntakeConfig config;
    private final IntakeRepository repository;
    private final IntakeMetrics metrics;
    private final JobValidator validator;
    private final JobRepository jobs;
    private final JobLifecycle lifecycle;
    private final JobTransitions transitions;
    private final EventPublisher publisher;
    private final AfterCommit afterCommit;
    private final WorkSignal workSignal;
    private final SchedulerConfig scheduler;
    private final SourceProxy sourceProxy;
    private final ReproductionRepository reproductions;
    private final Map<String, IndexReader> readers = new ConcurrentHashMap<>();
    private final Map<String, SparseIndexClient> sparseClients = new ConcurrentHashMap<>();
    private final Path workDirectory;

    public RegistryWatcher(
            IntakeConfig config,
            IntakeRepository repository,
            IntakeMetrics metrics,
            JobValidator validator,
            JobRepository jobs,
            JobLifecycle lifecycle,
            JobTransitions transitions,
            EventPublisher publisher,
            AfterCommit afterCommit,
            WorkSignal workSignal,
            SchedulerConfig scheduler,
            SourceProxy sourceProxy,
            ReproductionRepository reproductions) {
        this.reproductions = reproductions;
        this.config = config;
        this.repository = repository;
        this.metrics = metrics;
        this.validator = validator;
        this.jobs = jobs;
        this.lifecycle = lifecycle;
        this.transitions = transitions;
        this.publisher = publisher;
        this.afterCommit = afterCommit;
        this.workSignal = workSignal;
        this.scheduler = scheduler;
        this.sourceProxy = sourceProxy;
        try {
            this.workDirectory =
                    config.workDirectory().isPresent()
                            ? Files.createDirectories(Path.of(config.workDirectory().get()))
                            : Files.createTempDirectory("crateforge-intake");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the intake work directory", e);
        }
    }

    /**
     * Polls one registry now. Never throws for a registry's fault: a failed poll is logged, counted
     * and recorded as the registry's last error, and the next poll starts from the same cursor.
     */
    public PollResult poll(String name) {
        IntakeConfig.Registry registry = registry(name);
        try {
            return QuarkusTransaction.requiringNew()
                    .timeout((int) Math.max(1, config.pollTimeout().toSeconds()))
                    .call(() -> pollLeading(name, registry));
        } catch (RuntimeException e) {
            String message = describe(e);
            Log.warnf(
                    "Registry %s: poll failed, will retry from the same cursor: %s", name, message);
            metrics.errors(name, 1);
            try {
                QuarkusTransaction.requiringNew().run(() -> repository.recordError(name, message));
            } catch (RuntimeException recordFailed) {
                Log.warnf(
                        "Registry %s: could not record the error: %s",
                        name, describe(recordFailed));
            }
            return PollResult.nothing(Outcome.FAILED);
        }
    }

    /** The configured registry, or a 404 for the API. */
    public IntakeConfig.Registry registry(String name) {
        IntakeConfig.Registry registry = config.registries().get(name);
        if (registry == null) {
            throw new RegistryNotFoundException(name);
        }
        return registry;
    }

    private PollResult pollLeading(String name, IntakeConfig.Registry registry) {
        if (!repository.tryLead(name)) {
            return PollResult.nothing(Outcome.NOT_LEADER);
        }
        RegistryCursor cursor = repository.lockCursor(name);
        if (cursor.paused()) {
            return PollResult.nothing(Outcome.PAUSED);
        }
        IndexReader reader =
                readers.computeIfAbsent(
                        name,
                        n ->
                                new IndexReader(
                                        registry.index(),
                                        workDirectory.resolve(n + ".git"),
                                        registry.indexPassword()
                                                .map(
                                                        password ->
                                                                new UsernamePasswordCredentialsProvider(
                                                                        registry.indexUsername(),
                                                                        password))));
        ObjectId head = reader.fetch(config.pollTimeout());
        Batch batch = new Batch(name, new IntakePolicy(registry), reader);
        ObjectId reached = read(name, registry, cursor, reader, head, batch);
        long created = batch.store();
        int lag = reader.lag(reached, head);
        repository.advance(
                name,
                reached.name(),
                head.name(),
                lag,
                batch.versionsSeen,
                created,
                batch.badInput);
        afterCommit.run(
                () -> {
                    metrics.versionsSeen(name, batch.versionsSeen);
                    metrics.jobsCreated(name, created);
                    metrics.errors(name, batch.badInput);
                    metrics.lag(name, lag);
                });
        if (batch.versionsSeen > 0 || batch.badInput > 0) {
            Log.infof(
                    "Registry %s: read up to %s (%d behind %s): %d versions, %d jobs queued,"
                            + " %d bad inputs skipped",
                    name,
                    reached.name(),
                    lag,
                    head.name(),
                    batch.versionsSeen,
                    created,
                    batch.badInput);
        }
        return new PollResult(Outcome.POLLED, batch.versionsSeen, created, batch.badInput);
    }

    /** What a per-crate look-up found. */
    public record LookUp(
            String crate,
            boolean found,
            boolean notModified,
            long versionsSeen,
            long jobsCreated) {}

    /**
     * Reads one crate's file from the registry's sparse index (with the ETag of the last read, so
     * an unchanged file costs a 304) and queues every version of it that has no job yet, applying
     * its yanks. For a crate wanted now, without waiting for the index history to get there; the
     * cursor does not move, and a later poll finds the jobs already there. Runs under the
     * registry's lock, after any running poll.
     *
     * @throws IllegalStateException if the registry has no sparse index configured
     */
    public LookUp lookUp(String name, String crate) {
        IntakeConfig.Registry registry = registry(name);
        SparseIndexClient client =
                sparseClients.computeIfAbsent(
                        name,
                        n ->
                                new SparseIndexClient(
                                        registry.sparseIndex()
                                                .orElseThrow(
                                                        () -> new SparseIndexMissingException(n)),
                                        registry.token(),
                                        config.pollTimeout()));
        SparseIndexClient.Fetched file = client.crateFile(crate);
        if (file instanceof SparseIndexClient.Missing) {
            return new LookUp(crate, false, false, 0, 0);
        }
        SparseIndexClient.Body body = (SparseIndexClient.Body) file;
        DownloadUrlTemplate dl = client.downloadTemplate();
        return QuarkusTransaction.requiringNew()
                .timeout((int) Math.max(1, config.pollTimeout().toSeconds()))
                .call(
                        () -> {
                            repository.lead(name);
                            Batch batch = new Batch(name, new IntakePolicy(registry), null);
                            String path =
                                    DownloadUrlTemplate.prefix(body.crate()) + "/" + body.crate();
                            batch.add(
                                    path,
                                    CrateFileDiff.compare(path, body.crate(), null, body.bytes()),
                                    dl,
                                    false);
                            long created = batch.store();
                            afterCommit.run(
                                    () -> {
                                        metrics.versionsSeen(name, batch.versionsSeen);
                                        metrics.jobsCreated(name, created);
                                        metrics.errors(name, batch.badInput);
                                    });
                            Log.infof(
                                    "Registry %s: looked up %s (%s): %d versions, %d jobs queued",
                                    name,
                                    body.crate(),
                                    body.notModified() ? "not modified" : "read",
                                    batch.versionsSeen,
                                    created);
                            return new LookUp(
                                    body.crate(),
                                    true,
                                    body.notModified(),
                                    batch.versionsSeen,
                                    created);
                        });
    }

    /** Reads the changes after the cursor into {@code batch}; returns the commit reached. */
    private ObjectId read(
            String name,
            IntakeConfig.Registry registry,
            RegistryCursor cursor,
            IndexReader reader,
            ObjectId head,
            Batch batch) {
        if (cursor.commitId() == null) {
            if (registry.backfill()) {
                Log.infof(
                        "Registry %s: first poll, backfilling every version at %s",
                        name, head.name());
                batch.add(reader.changedCrateFiles(Optional.empty(), head), head, true);
            } else {
                Log.infof("Registry %s: first poll, following from %s on", name, head.name());
            }
            return head;
        }
        ObjectId at = ObjectId.fromString(cursor.commitId());
        if (at.equals(head)) {
            return head;
        }
        if (reader.hasCommit(at) && reader.isAncestor(at, head)) {
            ObjectId reached = at;
            for (RevCommit commit : reader.commitsAfter(at, head)) {
                batch.add(reader.changedCrateFiles(reader.parent(commit), commit), commit, false);
                reached = commit;
                if (batch.jobs.size() >= registry.maxJobsPerPoll()) {
                    break;
                }
            }
            return reached;
        }
        if (reader.hasCommit(at)) {
            // A squash or force-push: the cursor is no longer in the history. Comparing its tree
            // with the head's finds exactly what changed since, without walking the new history.
            Log.warnf(
                    "Registry %s: the index history was rewritten (%s is not an ancestor of %s);"
                            + " comparing the trees",
                    name, at.name(), head.name());
            batch.add(reader.changedCrateFiles(Optional.of(at), head), head, false);
            return head;
        }
        // The cursor's commit is gone (a fresh clone after a rewrite, with no branch keeping the
        // old history). What changed cannot be known: a backfill queues what has no job yet;
        // otherwise the intake follows from the head on.
        Log.warnf(
                "Registry %s: cursor commit %s is not in the index; %s",
                name,
                at.name(),
                registry.backfill()
                        ? "queueing every version without a job (backfill)"
                        : "following from the head on (versions published in between are missed)");
        batch.badInput++;
        if (registry.backfill()) {
            batch.add(reader.changedCrateFiles(Optional.empty(), head), head, true);
        }
        return head;
    }

    /** The versions, jobs and yanks of one poll, stored together at the end. */
    private final class Batch {

        private final String registry;
        private final IntakePolicy policy;
        private final IndexReader reader;
        private final List<IntakeRepository.NewJob> jobs = new ArrayList<>();

        /** The last yank state per version in this poll (crate@version → line). */
        private final Map<String, IndexLine> yanks = new LinkedHashMap<>();

        private long versionsSeen;
        private long badInput;

        Batch(String registry, IntakePolicy policy, IndexReader reader) {
            this.registry = registry;
            this.policy = policy;
            this.reader = reader;
        }

        void add(List<IndexReader.FileChange> files, ObjectId commit, boolean backfill) {
            if (files.isEmpty()) {
                return;
            }
            DownloadUrlTemplate dl = reader.downloadTemplate(commit);
            for (IndexReader.FileChange file : files) {
                CrateFileDiff.Result diff;
                try {
                    diff =
                            CrateFileDiff.compare(
                                    file.path(),
                                    file.crate(),
                                    file.oldBlob() == null ? null : reader.read(file.oldBlob()),
                                    file.newBlob() == null ? null : reader.read(file.newBlob()));
                } catch (IllegalArgumentException tooLarge) {
                    skip(file.path(), 0, tooLarge.getMessage());
                    continue;
                }
                add(file.path(), diff, dl, backfill);
            }
        }

        /** Takes one file's changes in: new versions become jobs, yank changes are kept. */
        void add(String path, CrateFileDiff.Result diff, DownloadUrlTemplate dl, boolean backfill) {
            diff.badLines().forEach(bad -> skip(bad.file(), bad.number(), bad.reason()));
            for (CrateFileDiff.Change change : diff.changes()) {
                versionsSeen++;
                IndexLine line = change.line();
                if (change instanceof CrateFileDiff.Added && !line.yanked()) {
                    queue(path, change.number(), line, dl, backfill);
                } else {
                    yanks.put(line.name() + "@" + line.vers(), line);
                }
            }
        }

        private void queue(
                String file,
                int lineNumber,
                IndexLine line,
                DownloadUrlTemplate dl,
                boolean backfill) {
            if (!policy.wants(line.name())) {
                return;
            }
            String url = dl.resolve(line.name(), line.vers(), line.cksum());
            Optional<String> refused = policy.refuseDownload(url);
            if (refused.isPresent()) {
                skip(file, lineNumber, line.vers() + ": " + refused.get());
                return;
            }
            if (registry(registry).token().isPresent()) {
                // A private registry: the builder fetches through this scheduler's proxy, which
                // holds the token; the job keeps a signed proxy URL, never the token.
                url = sourceProxy.sourceUrl(registry, line.name(), line.vers(), line.cksum(), url);
            }
            List<IntakeRepository.NewJob> versionJobs = new ArrayList<>();
            for (String target : policy.targets()) {
                for (String kind : policy.kinds()) {
                    JobSubmission submission =
                            new JobSubmission(
                                    line.name(),
                                    line.vers(),
                                    url,
                                    line.cksum(),
                                    target,
                                    kind,
                                    policy.priority(backfill),
                                    scheduler.maxAttempts());
                    try {
                        validator.validate(submission, "");
                    } catch (InvalidSubmissionException e) {
                        skip(file, lineNumber, line.vers() + ": " + e.getMessage());
                        return;
                    }
                    versionJobs.add(
                            new IntakeRepository.NewJob(
                                    line.name(),
                                    line.vers(),
                                    url,
                                    line.cksum(),
                                    target,
                                    kind,
                                    policy.priority(backfill),
                                    scheduler.maxAttempts(),
                                    registry(registry).reproduce()));
                }
            }
            jobs.addAll(versionJobs);
        }

        private void skip(String file, int lineNumber, String reason) {
            badInput++;
            Log.warnf(
                    "Registry %s: skipped %s%s: %s",
                    registry, file, lineNumber > 0 ? " line " + lineNumber : "", reason);
        }

        /** Queues the jobs, then carries out the yanks (a version yanked in this poll too). */
        long store() {
            // A version that ends this poll yanked is not built at all (published and yanked
            // between two polls): recorded as yanked, never queued.
            jobs.removeIf(
                    job -> {
                        IndexLine last = yanks.get(job.crate() + "@" + job.version());
                        return last != null && last.yanked();
                    });
            // An operator's setting for a crate wins over the registry's.
            Map<String, Integer> crateBuilds =
                    reproductions.crateBuilds(
                            jobs.stream().map(IntakeRepository.NewJob::crate).distinct().toList());
            List<IntakeRepository.CreatedJob> created =
                    repository.insertJobs(
                            jobs.stream()
                                    .map(
                                            job ->
                                                    job.withReproduce(
                                                            crateBuilds.getOrDefault(
                                                                    job.crate(), job.reproduce())))
                                    .toList());
            if (!created.isEmpty()) {
                Instant now = Instant.now();
                List<OutboxRecord> records = new ArrayList<>(created.size());
                // The builds of the reproductions among them, the first builds included.
                Map<UUID, ReproductionRepository.Build> builds = new HashMap<>();
                reproductions
                        .addBuilds(created.stream().map(IntakeRepository.CreatedJob::id).toList())
                        .forEach(build -> builds.put(build.id(), build));
                for (IntakeRepository.CreatedJob job : created) {
                    if (!builds.containsKey(job.id())) {
                        records.add(
                                publisher.state(
                                        new JobStateChanged(
                                                job.id(),
                                                1,
                                                JobState.QUEUED,
                                                null,
                                                job.crate(),
                                                job.version(),
                                                job.target(),
                                                ArtifactKind.fromWireName(job.kind()).orElseThrow(),
                                                null,
                                                now)));
                    }
                }
                builds.values().forEach(build -> records.add(publisher.state(build.queued(now))));
                publisher.publish(records);
                workSignal.jobsQueued();
            }
            List<OutboxRecord> yankRecords = new ArrayList<>(yanks.size());
            yanks.values().forEach(line -> applyYank(line, yankRecords));
            publisher.publish(yankRecords);
            return created.size();
        }

        /**
         * A yank cancels the version's queued jobs through the lifecycle; an unyank queues again
         * the jobs a yank cancelled. Both are recorded for the API and announced to the artifact
         * service ({@code VersionYankChanged}, added to {@code records}: the caller writes them to
         * the outbox in this transaction, the one that moves the cursor).
         */
        private void applyYank(IndexLine line, List<OutboxRecord> records) {
            Instant changedAt =
                    repository.recordYank(registry, line.name(), line.vers(), line.yanked());
            try {
                records.add(
                        publisher.yank(
                                new VersionYankChanged(
                                        registry,
                                        line.name(),
                                        line.vers(),
                                        line.yanked(),
                                        changedAt)));
            } catch (IllegalArgumentException notAnnounceable) {
                // A name or version the protocol refuses was never built: nothing to mark.
                skip(
                        line.name(),
                        0,
                        line.vers() + ": yank not announced: " + notAnnounceable.getMessage());
            }
            Trigger trigger =
                    line.yanked()
                            ? new Trigger.Yanked(registry)
                            : new Trigger.RetryRequested("registry " + registry + " (unyanked)");
            List<UUID> ids =
                    line.yanked()
                            ? repository.jobsOf(
                                    line.name(), line.vers(), line.cksum(), "queued", null)
                            : repository.jobsOf(
                                    line.name(),
                                    line.vers(),
                                    line.cksum(),
                                    "cancelled",
                                    JobLifecycle.YANKED);
            Instant now = Instant.now();
            for (UUID id : ids) {
                Optional<Job> job = RegistryWatcher.this.jobs.lock(id);
                if (job.isEmpty()) {
                    continue;
                }
                Decision decision = lifecycle.decide(job.get().lifecycleFacts(), trigger, now);
                if (decision instanceof Decision.Cancel || decision instanceof Decision.Retry) {
                    transitions.apply(job.get(), decision, null, now);
                }
            }
            Log.infof(
                    "Registry %s: %s@%s %s (%d jobs %s)",
                    registry,
                    line.name(),
                    line.vers(),
                    line.yanked() ? "yanked" : "unyanked",
                    ids.size(),
                    line.yanked() ? "looked at for cancelling" : "queued again");
        }
    }

    private static String describe(Throwable e) {
        StringBuilder message = new StringBuilder();
        for (Throwable t = e; t != null && message.length() < 500; t = t.getCause()) {
            if (t.getMessage() != null) {
                if (message.length() > 0) {
                    message.append(": ");
                }
                message.append(t.getMessage());
            }
        }
        return message.length() == 0 ? e.getClass().getSimpleName() : message.toString();
    }

    @PreDestroy
    void close() {
        readers.values().forEach(IndexReader::close);
    }
}
