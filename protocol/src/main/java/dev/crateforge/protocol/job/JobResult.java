package dev.crateforge.protocol.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a builder says a job attempt ended. */
public enum JobResult {
    SUCCEEDED("succeeded"),
    FAILED("failed");

    private final String wireName;

    JobResult(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    static JobResult fromJson(String name) {
        for (JobResult result : values()) {
            if (result.wireName.equals(name)) {
                return result;
            }
        }
        throw new IllegalArgumentException("unknown job result");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
