package dev.crateforge.builder.cli;

/**
 * One limit of the build as the operator gave it: {@code --<name>}, the default of every job
 * without an override for it, and {@code --max-<name>}, the most an override may ask for. Exists so
 * that the six limits are resolved and checked by one rule, with messages that name the options.
 */
record BuildLimit(long dflt, long maximum) {

    /**
     * @param name the default's option name without dashes, e.g. {@code memory-bytes}
     * @param givenDefault the default the operator gave, or {@code null}
     * @param givenMaximum the maximum the operator gave, or {@code null}
     * @param builtIn the default when none is given
     * @param least the smallest value that lets a build run at all
     * @throws IllegalArgumentException with one line naming the options when a value is too small
     *     or the maximum is below the default
     */
    static BuildLimit of(
            String name,
            Long givenDefault,
            Long givenMaximum,
            long builtIn,
            long least,
            String leastText) {
        long dflt;
        if (givenDefault != null) {
            dflt = givenDefault;
        } else if (givenMaximum != null) {
            dflt = Math.min(builtIn, givenMaximum);
        } else {
            dflt = builtIn;
        }
        long maximum = givenMaximum != null ? givenMaximum : dflt;
        if (dflt < least) {
            throw new IllegalArgumentException("--" + name + " must be at least " + leastText);
        }
        if (maximum < dflt) {
            throw new IllegalArgumentException(
                    "--max-"
                            + name
                            + " ("
                            + maximum
                            + ") is below --"
                            + name
                            + " ("
                            + dflt
                            + "): the maximum an override may ask for cannot be less than what"
                            + " every job gets");
        }
        return new BuildLimit(dflt, maximum);
    }
}
