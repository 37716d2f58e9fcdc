package dev.crateforge.protocol.kafka;

import static dev.crateforge.protocol.json.Fields.matching;
import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.job.Naming;
import java.time.Instant;
import java.util.UUID;

/**
 * The scheduler moved a job ({@link Topics#JOB_STATES}, key job id). The artifact service keeps the
 * latest of these per job to decide, without calling the scheduler, whether an upload's attempt is
 * still live, and to know which builds succeeded.
 *
 * @param builderId the builder holding the attempt; absent while queued
 * @param provenance present once the job succeeded
 * @param reproduction present when the job is one of several builds that must agree; its artifacts
 *     are public only once {@link Reproduction#publishable()} (absent: public once succeeded).
 *     Readers older than this field refuse such records, so the artifact service is upgraded before
 *     the scheduler
 */
public record JobStateChanged(
        UUID jobId,
        Integer attempt,
        JobState state,
        UUID builderId,
        String crate,
        String version,
        String target,
        ArtifactKind kind,
        Provenance provenance,
        Instant at,
        Reproduction reproduction) {

    /** The change of a job that is built once. */
    public JobStateChanged(
            UUID jobId,
            Integer attempt,
            JobState state,
            UUID builderId,
            String crate,
            String version,
            String target,
            ArtifactKind kind,
            Provenance provenance,
            Instant at) {
        this(jobId, attempt, state, builderId, crate, version, target, kind, provenance, at, null);
    }

    public JobStateChanged {
        required(jobId, "jobId");
        range(attempt, "attempt", 1, 1000);
        required(state, "state");
        matching(crate, "crate", Naming.CRATE_NAME, "a crate name");
        if (!Naming.isVersion(version)) {
            throw new IllegalArgumentException("field 'version' is not a semantic version");
        }
        if (!Naming.isTarget(target)) {
            throw new IllegalArgumentException("field 'target' is not a target triple");
        }
        required(kind, "kind");
        required(at, "at");
    }
}
