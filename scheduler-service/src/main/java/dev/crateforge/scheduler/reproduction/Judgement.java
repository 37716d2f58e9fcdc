package dev.crateforge.scheduler.reproduction;

import dev.crateforge.protocol.job.ReproductionVerdict;
import java.util.Map;
import java.util.UUID;

/**
 * What a reproduction came to, and where each of its builders stands in it.
 *
 * @param standings per builder of a build; a builder that held none is absent
 */
public record Judgement(ReproductionVerdict verdict, Map<UUID, Standing> standings) {

    public Judgement {
        standings = Map.copyOf(standings);
    }

    /** A builder's part in one reproduction, for its reputation. */
    public enum Standing {
        /** Its build agreed with every other, or with the majority of them. */
        AGREED,
        /** Its build differed from what the majority of the builds came to. */
        DISAGREED,
        /** Its build ended without a result (a fault, a cancellation). */
        NO_RESULT,
        /** The builds disagreed without a majority: nobody can be blamed. */
        UNDECIDED
    }
}
