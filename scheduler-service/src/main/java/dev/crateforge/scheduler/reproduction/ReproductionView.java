package dev.crateforge.scheduler.reproduction;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A reproduction as the API shows it: its verdict and every build with its outcome.
 *
 * @param group the first build's job id
 * @param builds how many builds must agree
 * @param verdict pending, reproduced, disagreed, incomplete or failed
 * @param releasedJob the build an operator released, if any
 */
public record ReproductionView(
        UUID group, int builds, String verdict, UUID releasedJob, List<BuildView> buildsOf) {

    /**
     * One build.
     *
     * @param digests each artifact kind's SHA-256, for a success
     */
    public record BuildView(
            UUID jobId,
            UUID builderId,
            String state,
            String failureCode,
            Map<String, String> digests,
            boolean released) {}
}
