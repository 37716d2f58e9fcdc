package dev.crateforge.artifact.service;

import dev.crateforge.artifact.repository.JobAttempt;
import dev.crateforge.artifact.repository.JobAttemptRepository;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.job.ReproductionVerdict;
import dev.crateforge.protocol.json.ProtocolJson;
import dev.crateforge.protocol.kafka.JobStateChanged;
import dev.crateforge.protocol.kafka.Provenance;
import dev.crateforge.protocol.kafka.Reproduction;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.provenance.ProvenanceEnvelopes;
import dev.crateforge.protocol.provenance.ProvenanceException;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPublicKey;
import dev.crateforge.protocol.ssh.SshSignature;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps the local copy of each job's state in step with the scheduler's {@code JobStateChanged}
 * records, so that an upload can be checked against the live attempt without a call per upload.
 *
 * <p>Records may arrive twice (at-least-once delivery) or, after a rebalance, be replayed: a change
 * is applied only if it moves the job forward (a higher attempt, or a later state of the same
 * attempt), so replays change nothing and a newer attempt always overrides an older one.
 *
 * <p>A new reproduction verdict comes as a fresh record of the same attempt and state with a later
 * {@code at}: such a record replaces the job's reproduction (and nothing else) if it says something
 * else than the one kept; one that is not later than the record the kept reproduction came with is
 * a replay and changes nothing. Whenever a job's builds are known to disagree, the comparison of
 * their outputs is requested once the transaction commits ({@link ReproductionDisagreed}).
 */
@ApplicationScoped
@Transactional
public class JobStateService {

    private final JobAttemptRepository jobs;
    private final Event<ReproductionDisagreed> disagreements;

    public JobStateService(JobAttemptRepository jobs, Event<ReproductionDisagreed> disagreements) {
        this.jobs = jobs;
        this.disagreements = disagreements;
    }

    /**
     * Applies one state change.
     *
     * @return true if it changed what this service knows
     */
    public boolean apply(JobStateChanged change) {
        return applyAll(List.of(change)) == 1;
    }

    /**
     * Applies a poll's worth of state changes in their order, in one transaction: the jobs they
     * name are read with one query rather than one per record, and a job named twice sees its first
     * change before its second. The flush at the end makes a change the database refuses fail here,
     * as the records' own fault, rather than at commit, where it could not be told from the
     * database being down.
     *
     * @return how many of the changes changed what this service knows
     */
    public int applyAll(List<JobStateChanged> changes) {
        Set<UUID> ids = new HashSet<>();
        changes.forEach(change -> ids.add(change.jobId()));
        Map<UUID, JobAttempt> known = new HashMap<>();
        jobs.findJobs(ids).forEach(job -> known.put(job.jobId, job));
        int changed = 0;
        for (JobStateChanged change : changes) {
            JobAttempt job = known.get(change.jobId());
            if (job == null) {
                job = new JobAttempt();
                job.jobId = change.jobId();
                apply(job, change);
                jobs.persist(job);
                known.put(job.jobId, job);
                changed++;
            } else if (applyKnown(job, change)) {
                changed++;
            }
        }
        jobs.flush();
        return changed;
    }

    /** A change of a job already known: applied if it moves the job forward or is a new verdict. */
    private boolean applyKnown(JobAttempt job, JobStateChanged change) {
        if (movesForward(job, change)) {
            apply(job, change);
            return true;
        }
        if (announcesNewReproduction(job, change)) {
            keepReproduction(job, change);
            job.updatedAt = Instant.now();
            Log.debugf(
                    "Job %s attempt %d: reproduction now %s",
                    job.jobId, job.attempt, job.reproductionVerdict);
            return true;
        }
        Log.debugf(
                "Ignoring %s of job %s attempt %d: already at %s of attempt %d",
                change.state(), change.jobId(), change.attempt(), job.state, job.attempt);
        return false;
    }

    private void apply(JobAttempt job, JobStateChanged change) {
        job.attempt = change.attempt();
        job.state = change.state().wireName();
        job.builderId = change.builderId();
        job.crate = change.crate();
        job.version = change.version();
        job.target = change.target();
        job.kind = change.kind().wireName();
        job.changedAt = change.at();
        job.updatedAt = Instant.now();
        Provenance provenance =
                change.state() == JobState.SUCCEEDED ? checkedProvenance(change) : null;
        job.statement = provenance == null ? null : provenance.statement();
        job.signature = provenance == null ? null : provenance.signature();
        job.builderPublicKey = provenance == null ? null : provenance.builderPublicKey();
        job.provenanceEnvelope = provenance == null ? null : checkedEnvelope(change, provenance);
        keepReproduction(job, change);
        Log.debugf("Job %s attempt %d is %s", job.jobId, job.attempt, job.state);
    }

    public Optional<JobAttempt> find(UUID jobId) {
        return jobs.findJob(jobId);
    }

    /**
     * A record of the attempt and state already kept, sent later, with another reproduction: the
     * scheduler announcing a new verdict (or an operator's release).
     */
    private static boolean announcesNewReproduction(JobAttempt current, JobStateChanged change) {
        Instant keptAt =
                current.reproductionAt != null ? current.reproductionAt : current.changedAt;
        return change.attempt() == current.attempt
                && change.state().wireName().equals(current.state)
                && change.at().isAfter(keptAt)
                && !Objects.equals(change.reproduction(), current.reproduction().orElse(null));
    }

    private void keepReproduction(JobAttempt job, JobStateChanged change) {
        Reproduction reproduction = change.reproduction();
        job.reproductionGroup = reproduction == null ? null : reproduction.group();
        job.reproductionBuilds = reproduction == null ? null : reproduction.builds();
        job.reproductionVerdict = reproduction == null ? null : reproduction.verdict().wireName();
        job.reproductionReleased = reproduction == null ? null : reproduction.released();
        job.reproductionAt = reproduction == null ? null : change.at();
        if (reproduction != null && reproduction.verdict() == ReproductionVerdict.DISAGREED) {
            disagreements.fire(new ReproductionDisagreed(reproduction.group()));
        }
    }

    private static boolean movesForward(JobAttempt current, JobStateChanged change) {
        if (change.attempt() != current.attempt) {
            return change.attempt() > current.attempt;
        }
        return change.state().isLaterInAttemptThan(JobState.fromWireName(current.state));
    }

    /**
     * The provenance of a succeeded job, if it is what it claims to be. The gateway already
     * verified the signature; checking again here costs microseconds and means this service never
     * serves provenance that {@code ssh-keygen -Y verify} would reject.
     */
    private static Provenance checkedProvenance(JobStateChanged change) {
        Provenance provenance = change.provenance();
        if (provenance == null) {
            Log.warnf("Job %s succeeded without provenance", change.jobId());
            return null;
        }
        try {
            BuildStatement statement = BuildStatement.parse(provenance.statement());
            SshPublicKey key = SshPublicKey.parse(provenance.builderPublicKey());
            SshSignature signature = SshSignature.parse(provenance.signature());
            boolean valid =
                    statement.jobId().equals(change.jobId())
                            && statement.attempt().equals(change.attempt())
                            && signature.verify(
                                    key,
                                    BuilderProtocol.BUILD_NAMESPACE,
                                    provenance.statement().getBytes(StandardCharsets.UTF_8));
            if (valid) {
                return provenance;
            }
            Log.warnf(
                    "Job %s attempt %d: provenance does not verify or names another job; not kept",
                    change.jobId(), change.attempt());
        } catch (SshFormatException | IllegalArgumentException e) {
            Log.warnf(
                    "Job %s attempt %d: unreadable provenance (%s); not kept",
                    change.jobId(), change.attempt(), e.getMessage());
        }
        return null;
    }

    /**
     * The envelope as compact JSON, if it verifies with the key of the verified statement. The
     * scheduler checked it against the job; checking the signature again here means this service
     * never serves an envelope that securesystemslib would reject.
     */
    private static String checkedEnvelope(JobStateChanged change, Provenance provenance) {
        if (provenance.envelope() == null) {
            return null;
        }
        try {
            ProvenanceEnvelopes.open(
                    provenance.envelope(), SshPublicKey.parse(provenance.builderPublicKey()));
            return ProtocolJson.encode(provenance.envelope());
        } catch (ProvenanceException | SshFormatException e) {
            Log.warnf(
                    "Job %s attempt %d: provenance envelope rejected (%s); not kept",
                    change.jobId(), change.attempt(), e.getMessage());
            return null;
        }
    }
}
