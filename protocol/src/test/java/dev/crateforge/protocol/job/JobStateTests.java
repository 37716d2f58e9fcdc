package dev.crateforge.protocol.job;

import static dev.crateforge.protocol.job.JobState.ASSIGNED;
import static dev.crateforge.protocol.job.JobState.CANCELLED;
import static dev.crateforge.protocol.job.JobState.FAILED;
import static dev.crateforge.protocol.job.JobState.QUEUED;
import static dev.crateforge.protocol.job.JobState.RUNNING;
import static dev.crateforge.protocol.job.JobState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobStateTests {

    /** The allowed moves, written out once more by hand: every other pair is refused. */
    private static final Map<JobState, Set<JobState>> ALLOWED =
            Map.of(
                    QUEUED, EnumSet.of(ASSIGNED, CANCELLED),
                    ASSIGNED, EnumSet.of(RUNNING, QUEUED, SUCCEEDED, FAILED, CANCELLED),
                    RUNNING, EnumSet.of(QUEUED, SUCCEEDED, FAILED, CANCELLED),
                    SUCCEEDED, EnumSet.noneOf(JobState.class),
                    FAILED, EnumSet.of(QUEUED),
                    CANCELLED, EnumSet.of(QUEUED));

    @Test
    void everyPairOfStatesIsAllowedOrRefusedExactlyAsListed() {
        assertThat(ALLOWED.keySet()).containsExactlyInAnyOrder(JobState.values());
        for (JobState from : JobState.values()) {
            for (JobState to : JobState.values()) {
                assertThat(from.canMoveTo(to))
                        .as("%s -> %s", from, to)
                        .isEqualTo(ALLOWED.get(from).contains(to));
            }
        }
    }

    @Test
    void noStateMovesToItself() {
        for (JobState state : JobState.values()) {
            assertThat(state.canMoveTo(state)).as("%s", state).isFalse();
        }
    }

    @Test
    void finalStatesAreLeftOnlyForTheQueueAndActiveStatesOnlyFromTheQueue() {
        for (JobState from : JobState.values()) {
            for (JobState to : JobState.values()) {
                if (from.isFinal() && from.canMoveTo(to)) {
                    assertThat(to).as("%s -> %s", from, to).isEqualTo(QUEUED);
                }
                if (to.isActive() && !from.isActive() && from.canMoveTo(to)) {
                    assertThat(from).as("%s -> %s", from, to).isEqualTo(QUEUED);
                }
            }
        }
    }

    @Test
    void everyMoveWithinAnAttemptGoesForward() {
        // A move to queued starts the next attempt; every other allowed move keeps the attempt
        // and must therefore look "later" to a reader that orders records of one attempt.
        for (JobState from : JobState.values()) {
            for (JobState to : JobState.values()) {
                if (from.canMoveTo(to) && to != QUEUED) {
                    assertThat(to.isLaterInAttemptThan(from)).as("%s -> %s", from, to).isTrue();
                }
            }
        }
    }

    @Test
    void finalStatesShareTheLastStepOfAnAttempt() {
        assertThat(RUNNING.isLaterInAttemptThan(QUEUED)).isTrue();
        assertThat(QUEUED.isLaterInAttemptThan(ASSIGNED)).isFalse();
        for (JobState a : EnumSet.of(SUCCEEDED, FAILED, CANCELLED)) {
            for (JobState b : EnumSet.of(SUCCEEDED, FAILED, CANCELLED)) {
                assertThat(a.isLaterInAttemptThan(b)).isFalse();
            }
            assertThat(a.isLaterInAttemptThan(RUNNING)).isTrue();
        }
    }
}
