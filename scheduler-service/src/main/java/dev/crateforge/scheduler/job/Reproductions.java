package dev.crateforge.scheduler.job;

import dev.crateforge.protocol.job.ReproductionVerdict;
import dev.crateforge.protocol.kafka.Reproduction;
import java.util.UUID;

/** A job row's reproduction columns as the contract's {@link Reproduction}. */
public final class Reproductions {

    private Reproductions() {}

    /**
     * The reproduction a row with these columns takes part in; null for a job built once.
     *
     * @param verdict the {@code reproduction_verdict} column (null reads as pending)
     */
    public static Reproduction of(int builds, UUID group, String verdict, boolean released) {
        if (group == null || builds < 2) {
            return null;
        }
        return new Reproduction(
                group,
                builds,
                verdict == null
                        ? ReproductionVerdict.PENDING
                        : ReproductionVerdict.fromWireName(verdict).orElseThrow(),
                released);
    }
}
