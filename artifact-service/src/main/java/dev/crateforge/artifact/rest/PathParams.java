package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.service.Rejection;
import dev.crateforge.protocol.contract.UploadOutcome;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.Naming;
import java.util.UUID;
import java.util.regex.Pattern;

/** Checks path parameters with the protocol's naming rules before they reach a query or a key. */
final class PathParams {

    private static final Pattern REGISTRY = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private PathParams() {}

    static UUID jobId(String value) {
        return uuid(value, "the job id");
    }

    /** A reproduction's group: the job id of its first build. */
    static UUID group(String value) {
        return uuid(value, "the reproduction group");
    }

    private static UUID uuid(String value, String what) {
        try {
            UUID id = UUID.fromString(value);
            if (id.toString().equals(value.toLowerCase(java.util.Locale.ROOT))) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw Rejection.of(UploadOutcome.BAD_PATH, what + " must be a UUID");
    }

    /** The kind of a read: an unknown kind is simply not there (404). */
    static ArtifactKind kind(String value) {
        return ArtifactKind.fromWireName(value)
                .orElseThrow(() -> Rejection.notFound(noSuchKind(value)));
    }

    /**
     * The kind of an upload: an unknown kind means the URL is not one the service made ({@code
     * bad_path}), an answer of the upload table.
     */
    static ArtifactKind uploadKind(String value) {
        return ArtifactKind.fromWireName(value)
                .orElseThrow(() -> Rejection.of(UploadOutcome.BAD_PATH, noSuchKind(value)));
    }

    private static String noSuchKind(String value) {
        return value.length() <= 32
                ? "there is no artifact kind '" + value + "'"
                : "there is no such artifact kind";
    }

    static String crate(String value) {
        if (!Naming.isCrateName(value)) {
            throw Rejection.of(UploadOutcome.BAD_PATH, "not a crate name");
        }
        return value;
    }

    static String version(String value) {
        if (!Naming.isVersion(value)) {
            throw Rejection.of(UploadOutcome.BAD_PATH, "not a semantic version");
        }
        return value;
    }

    /**
     * A registry name in a stable download URL: lowercase letters, digits, {@code -}, {@code _}.
     */
    static String registry(String value) {
        if (value == null || !REGISTRY.matcher(value).matches()) {
            throw Rejection.of(UploadOutcome.BAD_PATH, "not a registry name");
        }
        return value;
    }

    static String target(String value) {
        if (!Naming.isTarget(value)) {
            throw Rejection.of(UploadOutcome.BAD_PATH, "not a target triple");
        }
        return value;
    }
}
