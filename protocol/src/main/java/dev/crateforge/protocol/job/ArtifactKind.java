package dev.crateforge.protocol.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a job produces. A new kind is a new constant here plus a build recipe in the builder; every
 * other part treats kinds as opaque names.
 */
public enum ArtifactKind {
    /** The JSON of {@code cargo metadata --format-version 1 --no-deps}. */
    METADATA("metadata", "application/json", "json"),
    /** The release binaries of the crate, packed in a gzip-compressed tar archive. */
    BINARY("binary", "application/gzip", "tar.gz");

    private final String wireName;
    private final String mediaType;
    private final String fileExtension;

    ArtifactKind(String wireName, String mediaType, String fileExtension) {
        this.wireName = wireName;
        this.mediaType = mediaType;
        this.fileExtension = fileExtension;
    }

    /** The name used on the wire, in URLs and in the database. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The Content-Type of the artifact's bytes. */
    public String mediaType() {
        return mediaType;
    }

    /** The file name extension of a downloaded artifact. */
    public String fileExtension() {
        return fileExtension;
    }

    /** The kind with this wire name, if there is one. */
    public static Optional<ArtifactKind> fromWireName(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
    }

    @JsonCreator
    static ArtifactKind fromJson(String name) {
        return fromWireName(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown artifact kind"));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
