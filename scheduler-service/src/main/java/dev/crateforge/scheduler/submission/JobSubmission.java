package dev.crateforge.scheduler.submission;

/**
 * A request to build one crate version for one target and artifact kind. Fields are plain strings
 * so that the validator, not the JSON parser, explains what is wrong with them.
 *
 * @param priority higher goes first; default 0, range -1000..1000
 * @param maxAttempts attempts before the job fails; default from config, range 1..20
 */
public record JobSubmission(
        String crate,
        String version,
        String sourceUrl,
        String sourceSha256,
        String target,
        String kind,
        Integer priority,
        Integer maxAttempts) {}
