package dev.crateforge.protocol.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a job is in its life: {@code queued → assigned → running → succeeded | failed | cancelled};
 * a lost attempt goes back to {@code queued} with the next attempt number.
 */
public enum JobState {
    QUEUED("queued"),
    ASSIGNED("assigned"),
    RUNNING("running"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String wireName;

    JobState(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /**
     * True for the states a job ends in; an operator's retry moves a failed or cancelled job back
     * to queued.
     */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** True while a builder holds the job. */
    public boolean isActive() {
        return this == ASSIGNED || this == RUNNING;
    }

    @JsonCreator
    public static JobState fromWireName(String name) {
        for (JobState state : values()) {
            if (state.wireName.equals(name)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown job state");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
