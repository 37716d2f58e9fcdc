package dev.crateforge.protocol.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The steps of a job on a builder, in the order they happen, reported as stage changes. */
public enum BuildStage {
    FETCHING("fetching"),
    EXTRACTING("extracting"),
    BUILDING("building"),
    PACKAGING("packaging"),
    UPLOADING("uploading");

    private final String wireName;

    BuildStage(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    static BuildStage fromJson(String name) {
        for (BuildStage stage : values()) {
            if (stage.wireName.equals(name)) {
                return stage;
            }
        }
        throw new IllegalArgumentException("unknown build stage");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
