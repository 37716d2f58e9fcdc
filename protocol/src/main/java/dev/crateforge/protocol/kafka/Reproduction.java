package dev.crateforge.protocol.kafka;

import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

import dev.crateforge.protocol.job.ReproductionVerdict;
import java.util.UUID;

/**
 * A job's part in a reproduction: the same build handed to {@code builds} different builders, whose
 * artifacts must agree before any of them is published. Travels on every {@link JobStateChanged} of
 * each of the builds; a new verdict is announced by a fresh record for each.
 *
 * @param group the id of the first of the builds, shared by all of them
 * @param builds how many builds must agree, 2..{@link #MOST_BUILDS}
 * @param verdict what the builds came to so far
 * @param released whether an operator released this build's artifacts although the builds did not
 *     agree (the artifacts of a released build are public like reproduced ones)
 */
public record Reproduction(UUID group, int builds, ReproductionVerdict verdict, boolean released) {

    /** The most builds one reproduction may ask for. */
    public static final int MOST_BUILDS = 5;

    public Reproduction {
        required(group, "group");
        range(builds, "builds", 2, MOST_BUILDS);
        required(verdict, "verdict");
    }

    /** Whether the build's artifacts may be served on the public paths. */
    public boolean publishable() {
        return released || verdict == ReproductionVerdict.REPRODUCED;
    }
}
