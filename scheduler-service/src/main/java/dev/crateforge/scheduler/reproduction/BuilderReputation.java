package dev.crateforge.scheduler.reproduction;

import java.time.Instant;
import java.util.UUID;

/**
 * A builder's record in reproductions.
 *
 * @param agreed reproductions in which its build agreed with all others or with the majority
 * @param disagreed reproductions in which its build differed from the majority
 * @param noResult reproductions in which its build ended without a result
 * @param quarantinedAt since when it gets no jobs; null when it may build
 * @param quarantineReason why it was quarantined; null when it is not
 * @param clearedAt when an operator last cleared a quarantine; null if never
 * @param clearedBy who did
 */
public record BuilderReputation(
        UUID builderId,
        int agreed,
        int disagreed,
        int noResult,
        Instant quarantinedAt,
        String quarantineReason,
        Instant clearedAt,
        String clearedBy) {

    /** Whether the builder is kept from jobs now. */
    public boolean quarantined() {
        return quarantinedAt != null;
    }
}
