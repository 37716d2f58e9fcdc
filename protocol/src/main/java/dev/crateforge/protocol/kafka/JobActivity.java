package dev.crateforge.protocol.kafka;

import static dev.crateforge.protocol.json.Fields.list;
import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.optionalText;
import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.provenance.DsseEnvelope;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What happened to one attempt of a job on the builder's side ({@link Topics#JOB_EVENTS}, key job
 * id). One topic for all three so that a job's completion is always behind its last log line.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = JobActivity.EventReported.class, name = "event"),
    @JsonSubTypes.Type(value = JobActivity.Completed.class, name = "completed"),
    @JsonSubTypes.Type(value = JobActivity.Undeliverable.class, name = "undeliverable")
})
public sealed interface JobActivity {

    UUID jobId();

    Integer attempt();

    /** A {@code JobEvent} of a builder, as the gateway received it. */
    record EventReported(
            UUID jobId,
            Integer attempt,
            UUID builderId,
            Long seq,
            JobEventBody event,
            Instant receivedAt)
            implements JobActivity {
        public EventReported {
            required(jobId, "jobId");
            range(attempt, "attempt", 1, 1000);
            required(builderId, "builderId");
            range(seq, "seq", 1L, Long.MAX_VALUE);
            required(event, "event");
            required(receivedAt, "receivedAt");
        }
    }

    /**
     * A {@code JobResponse} whose signature the gateway verified with the builder's registered key.
     *
     * @param failureCode why a failed attempt failed; {@link FailureCode#BUILD_FAILED} when the
     *     builder named no code, null when it succeeded
     * @param builderPublicKey the OpenSSH public key line that verified {@code signature}
     * @param provenance the builder's DSSE envelope, when it sent one; the scheduler verifies it
     *     with {@code builderPublicKey} and checks it against the job
     */
    record Completed(
            UUID jobId,
            Integer attempt,
            UUID builderId,
            JobResult result,
            String failureReason,
            FailureCode failureCode,
            List<ArtifactDigest> artifacts,
            String statement,
            String signature,
            String builderPublicKey,
            Instant completedAt,
            DsseEnvelope provenance)
            implements JobActivity {

        /** A completion without SLSA provenance. */
        public Completed(
                UUID jobId,
                Integer attempt,
                UUID builderId,
                JobResult result,
                String failureReason,
                FailureCode failureCode,
                List<ArtifactDigest> artifacts,
                String statement,
                String signature,
                String builderPublicKey,
                Instant completedAt) {
            this(
                    jobId,
                    attempt,
                    builderId,
                    result,
                    failureReason,
                    failureCode,
                    artifacts,
                    statement,
                    signature,
                    builderPublicKey,
                    completedAt,
                    null);
        }

        public Completed {
            required(jobId, "jobId");
            range(attempt, "attempt", 1, 1000);
            required(builderId, "builderId");
            required(result, "result");
            optionalText(failureReason, "failureReason", 4096);
            if (result == JobResult.SUCCEEDED && failureCode != null) {
                throw new IllegalArgumentException(
                        "field 'failureCode' is only for a failed result");
            }
            artifacts = list(artifacts, "artifacts", 16);
            nonBlank(statement, "statement", BuildStatement.MAX_LENGTH);
            nonBlank(signature, "signature", 8192);
            nonBlank(builderPublicKey, "builderPublicKey", 8192);
            required(completedAt, "completedAt");
        }
    }

    /**
     * An assignment reached a gateway whose connection was already gone: the scheduler requeues the
     * job at once instead of waiting for the lease to run out.
     */
    record Undeliverable(
            UUID jobId,
            Integer attempt,
            UUID builderId,
            String connectionId,
            String reason,
            Instant at)
            implements JobActivity {
        public Undeliverable {
            required(jobId, "jobId");
            range(attempt, "attempt", 1, 1000);
            required(builderId, "builderId");
            nonBlank(connectionId, "connectionId", 64);
            nonBlank(reason, "reason", 512);
            required(at, "at");
        }
    }
}
