package dev.crateforge.protocol.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a job is in its life. One attempt goes {@code queued → assigned → running → succeeded |
 * failed | cancelled} (a fast attempt may end while still {@code assigned}; a queued job may be
 * cancelled). A lost attempt, or one that failed for a reason that is not the crate's, goes back to
 * {@code queued} as the next attempt; an operator's retry does the same from {@code failed} or
 * {@code cancelled}. {@link #canMoveTo} is the whole list of allowed moves; the scheduler's job
 * lifecycle checks every move it makes against it.
 */
public enum JobState {
    QUEUED("queued", 0),
    ASSIGNED("assigned", 1),
    RUNNING("running", 2),
    SUCCEEDED("succeeded", 3),
    FAILED("failed", 3),
    CANCELLED("cancelled", 3);

    private final String wireName;

    /** How far an attempt in this state has come; the final states share the last step. */
    private final int stepInAttempt;

    JobState(String wireName, int stepInAttempt) {
        this.wireName = wireName;
        this.stepInAttempt = stepInAttempt;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /**
     * True for the states an attempt ends in. No builder, gateway or timer moves a job out of them;
     * only an operator's retry moves a failed or cancelled job back to {@code queued}, as a new
     * attempt. A succeeded job stays succeeded.
     */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** True while a builder holds the job. */
    public boolean isActive() {
        return this == ASSIGNED || this == RUNNING;
    }

    /**
     * Whether a job in this state may move to {@code next}. A state never "moves" to itself: a job
     * that stays where it is (a heartbeat of a running job) makes no move. Every move to {@code
     * queued} starts the next attempt; every other move keeps the attempt.
     *
     * <ul>
     *   <li>{@code queued → assigned} (claimed), {@code queued → cancelled};
     *   <li>{@code assigned → running} (first event), and {@code assigned | running →} {@code
     *       queued} (requeue: lost builder, undeliverable, infrastructure failure), {@code
     *       succeeded}, {@code failed}, {@code cancelled};
     *   <li>{@code failed | cancelled → queued} (an operator's retry);
     *   <li>nothing out of {@code succeeded}.
     * </ul>
     */
    public boolean canMoveTo(JobState next) {
        return switch (this) {
            case QUEUED -> next == ASSIGNED || next == CANCELLED;
            case ASSIGNED -> next != ASSIGNED;
            case RUNNING -> next != RUNNING && next != ASSIGNED;
            case FAILED, CANCELLED -> next == QUEUED;
            case SUCCEEDED -> false;
        };
    }

    /**
     * Whether, within one attempt, this state comes after {@code other}: {@code queued} before
     * {@code assigned} before {@code running} before the final states, which share one step. A
     * reader of state records that may arrive twice or replayed (at-least-once delivery) keeps a
     * record of the same attempt only if its state is later than the one it has.
     */
    public boolean isLaterInAttemptThan(JobState other) {
        return stepInAttempt > other.stepInAttempt;
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
