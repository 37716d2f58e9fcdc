package dev.crateforge.protocol.job;

import static dev.crateforge.protocol.json.Fields.matching;
import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

/**
 * What a builder says it uploaded: the artifact's kind, its SHA-256 and its size in bytes. The
 * scheduler compares these with what the artifact service stored before a job may succeed.
 */
public record ArtifactDigest(ArtifactKind kind, String sha256, Long size) {

    /** The largest artifact size any part accepts (a per-kind cap is usually much smaller). */
    public static final long MAX_SIZE = 64L * 1024 * 1024 * 1024;

    public ArtifactDigest {
        required(kind, "kind");
        matching(sha256, "sha256", Naming.SHA256_HEX, "64 lowercase hex digits");
        range(size, "size", 0L, MAX_SIZE);
    }
}
