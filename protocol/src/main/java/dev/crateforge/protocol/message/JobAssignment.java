package dev.crateforge.protocol.message;

import static dev.crateforge.protocol.json.Fields.matching;
import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobLimitsOverride;
import dev.crateforge.protocol.job.Naming;
import java.util.UUID;

/**
 * One job for one builder: where the source is and what it must hash to, what to build, where to
 * upload it and the job token that authorises the upload.
 *
 * @param attempt the attempt number; every event, upload and response of this job carries it
 * @param sourceUrl http(s) URL of the {@code .crate} (a gzip-compressed tar archive)
 * @param sourceSha256 SHA-256 of the bytes at {@code sourceUrl}, checked before anything else
 * @param uploadUrl where to {@code PUT} the artifact, with {@code Authorization: Bearer jobToken}
 * @param jobToken a short-lived JWT; a secret, never to be logged
 * @param timeoutSeconds the builder's time budget for this attempt
 * @param limits limits an operator set for this crate, or {@code null} for the builder's defaults;
 *     the builder caps each one at its own maximum
 */
public record JobAssignment(
        UUID jobId,
        Integer attempt,
        String crate,
        String version,
        String sourceUrl,
        String sourceSha256,
        String target,
        ArtifactKind kind,
        String uploadUrl,
        String jobToken,
        Integer timeoutSeconds,
        JobLimitsOverride limits) {

    public JobAssignment {
        required(jobId, "jobId");
        range(attempt, "attempt", 1, 1000);
        matching(crate, "crate", Naming.CRATE_NAME, "a crate name");
        if (!Naming.isVersion(version)) {
            throw new IllegalArgumentException("field 'version' is not a semantic version");
        }
        nonBlank(sourceUrl, "sourceUrl", 2048);
        matching(sourceSha256, "sourceSha256", Naming.SHA256_HEX, "64 lowercase hex digits");
        if (!Naming.isTarget(target)) {
            throw new IllegalArgumentException("field 'target' is not a target triple");
        }
        required(kind, "kind");
        nonBlank(uploadUrl, "uploadUrl", 2048);
        nonBlank(jobToken, "jobToken", 8192);
        range(timeoutSeconds, "timeoutSeconds", 1, 7 * 24 * 3600);
        if (limits != null && limits.setsNothing()) {
            limits = null;
        }
    }

    /** The same assignment carrying {@code limits}. */
    public JobAssignment withLimits(JobLimitsOverride limits) {
        return new JobAssignment(
                jobId,
                attempt,
                crate,
                version,
                sourceUrl,
                sourceSha256,
                target,
                kind,
                uploadUrl,
                jobToken,
                timeoutSeconds,
                limits);
    }

    /** Never prints the job token. */
    @Override
    public String toString() {
        return "JobAssignment[jobId="
                + jobId
                + ", attempt="
                + attempt
                + ", crate="
                + crate
                + "@"
                + version
                + ", target="
                + target
                + ", kind="
                + kind
                + (limits == null ? "" : ", limits=" + limits)
                + "]";
    }
}
