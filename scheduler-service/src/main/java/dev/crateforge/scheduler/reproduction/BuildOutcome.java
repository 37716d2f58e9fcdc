package dev.crateforge.scheduler.reproduction;

import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.JobState;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * How one build of a reproduction ended, as far as agreement goes.
 *
 * @param builderId the builder of its last attempt; null if no builder ever held it
 * @param failureCode the {@code FailureCode} wire name of a failed build; null otherwise
 * @param digests each artifact kind's SHA-256 of a succeeded build (empty otherwise)
 */
public record BuildOutcome(
        UUID jobId,
        UUID builderId,
        JobState state,
        String failureCode,
        SortedMap<String, String> digests) {

    public BuildOutcome {
        Objects.requireNonNull(jobId);
        Objects.requireNonNull(state);
        digests = new TreeMap<>(Objects.requireNonNullElse(digests, Map.of()));
    }

    /**
     * Whether the build came to a result of the crate: success, or a failure that was the crate's
     * (or its submission's). A build cancelled or failed for a fault of ours has no result to
     * compare.
     */
    public boolean hasResult() {
        return switch (state) {
            case SUCCEEDED -> true;
            case FAILED ->
                    failureCode != null
                            && FailureCode.fromWireName(failureCode)
                                    .map(code -> code.fault() != FailureCode.Fault.INFRASTRUCTURE)
                                    .orElse(false);
            default -> false;
        };
    }

    /**
     * What two builds that agree have in common: the digests of a success, or the code of a
     * failure. Two successes with different digests, or a success and a failure, differ.
     */
    public String result() {
        return state == JobState.SUCCEEDED ? "succeeded " + digests : "failed " + failureCode;
    }
}
