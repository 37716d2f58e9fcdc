package dev.crateforge.scheduler.submission;

/**
 * A request to build one crate version for one target and artifact kind. Fields are plain strings
 * so that the validator, not the JSON parser, explains what is wrong with them.
 *
 * @param priority higher goes first; default 0, range -1000..1000
 * @param maxAttempts attempts before the job fails; default from config, range 1..20
 * @param reproduce how many independent builds on different builders must agree before the artifact
 *     is published; default from config, range 1..5
 */
public record JobSubmission(
        String crate,
        String version,
        String sourceUrl,
        String sourceSha256,
        String target,
        String kind,
        Integer priority,
        Integer maxAttempts,
        Integer reproduce) {

    /** A submission that leaves the number of builds to the configured default. */
    public JobSubmission(
            String crate,
            String version,
            String sourceUrl,
            String sourceSha256,
            String target,
            String kind,
            Integer priority,
            Integer maxAttempts) {
        this(crate, version, sourceUrl, sourceSha256, target, kind, priority, maxAttempts, null);
    }
}
