package dev.crateforge.scheduler.submission;

import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.Naming;
import dev.crateforge.protocol.kafka.Reproduction;
import dev.crateforge.scheduler.config.SchedulerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Checks a submission field by field with the protocol's naming rules, so that a job the scheduler
 * accepts is a job every builder and the artifact service accept too.
 */
@ApplicationScoped
public class JobValidator {

    /** The longest source URL (what {@code JobAssignment} carries). */
    public static final int MAX_URL_LENGTH = 2048;

    public static final int MIN_PRIORITY = -1000;
    public static final int MAX_PRIORITY = 1000;
    public static final int MAX_ATTEMPTS = 20;

    private final SchedulerConfig config;

    public JobValidator(SchedulerConfig config) {
        this.config = config;
    }

    /**
     * @param prefix prepended to field names, e.g. {@code jobs[3].}
     * @throws InvalidSubmissionException for the first invalid field
     */
    public void validate(JobSubmission s, String prefix) {
        if (s == null) {
            throw new InvalidSubmissionException(prefix.isEmpty() ? "body" : prefix, "is missing");
        }
        String crate = present(s.crate(), prefix + "crate");
        if (!Naming.isCrateName(crate)) {
            throw invalid(
                    prefix + "crate",
                    "must start with an ASCII letter and contain only letters, digits, '-' or '_',"
                            + " at most 64 characters");
        }
        String version = present(s.version(), prefix + "version");
        if (!Naming.isVersion(version)) {
            throw invalid(
                    prefix + "version",
                    "is not a semantic version (MAJOR.MINOR.PATCH[-pre][+build], no leading zeros)");
        }
        validateUrl(present(s.sourceUrl(), prefix + "sourceUrl"), prefix + "sourceUrl");
        if (!Naming.isSha256Hex(present(s.sourceSha256(), prefix + "sourceSha256"))) {
            throw invalid(prefix + "sourceSha256", "must be 64 lowercase hexadecimal digits");
        }
        String target = present(s.target(), prefix + "target");
        if (!Naming.isTarget(target) || !config.targets().contains(target)) {
            throw invalid(
                    prefix + "target",
                    "is not a known target; known: " + String.join(", ", config.targets()));
        }
        String kind = present(s.kind(), prefix + "kind");
        if (ArtifactKind.fromWireName(kind).isEmpty()) {
            throw invalid(
                    prefix + "kind",
                    "is not a known artifact kind; known: "
                            + Arrays.stream(ArtifactKind.values())
                                    .map(ArtifactKind::wireName)
                                    .collect(Collectors.joining(", ")));
        }
        if (s.priority() != null && (s.priority() < MIN_PRIORITY || s.priority() > MAX_PRIORITY)) {
            throw invalid(
                    prefix + "priority",
                    "must be between " + MIN_PRIORITY + " and " + MAX_PRIORITY);
        }
        if (s.maxAttempts() != null && (s.maxAttempts() < 1 || s.maxAttempts() > MAX_ATTEMPTS)) {
            throw invalid(prefix + "maxAttempts", "must be between 1 and " + MAX_ATTEMPTS);
        }
        if (s.reproduce() != null
                && (s.reproduce() < 1 || s.reproduce() > Reproduction.MOST_BUILDS)) {
            throw invalid(
                    prefix + "reproduce", "must be between 1 and " + Reproduction.MOST_BUILDS);
        }
    }

    private static void validateUrl(String url, String field) {
        if (url.length() > MAX_URL_LENGTH) {
            throw invalid(field, "is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid(field, "is not a valid URL");
        }
        String scheme = uri.getScheme();
        if (scheme == null
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw invalid(field, "must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw invalid(field, "has no host");
        }
        if (uri.getUserInfo() != null) {
            throw invalid(field, "must not carry credentials");
        }
    }

    /** Checks a corrected source URL with the submission's rules. */
    public void validateSourceUrl(String url) {
        validateUrl(present(url, "sourceUrl"), "sourceUrl");
    }

    private static String present(String value, String field) {
        if (value == null) {
            throw invalid(field, "is missing");
        }
        if (value.isBlank()) {
            throw invalid(field, "is blank");
        }
        return value;
    }

    private static InvalidSubmissionException invalid(String field, String message) {
        return new InvalidSubmissionException(field, "field '" + field + "' " + message);
    }
}
