package dev.crateforge.scheduler.limits;

import dev.crateforge.protocol.job.JobLimitsOverride;
import java.time.Instant;

/**
 * The limits an operator set for one crate, as the API shows them.
 *
 * @param limits what every assignment of the crate carries
 */
public record CrateLimits(
        String crate, JobLimitsOverride limits, String updatedBy, Instant updatedAt) {

    /** One change of a crate's limits; {@code limits} is null when they were removed. */
    public record Change(
            String crate, String actor, String action, JobLimitsOverride limits, Instant at) {}
}
