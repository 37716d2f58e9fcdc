package dev.crateforge.scheduler.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.scheduler.queue.WaitEstimator.QueuedWork;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WaitEstimatorTests {

    private static final Instant NOW = Instant.parse("2026-12-06T03:00:00Z");
    private static final Optional<Duration> MINUTE = Optional.of(Duration.ofMinutes(1));

    @Test
    void nothingServingTheTargetOrNoHistoryGivesNoEstimate() {
        assertThat(WaitEstimator.estimatedStart(3, new TargetCapacity(0, 0), MINUTE, NOW, NOW))
                .isEmpty();
        assertThat(
                        WaitEstimator.estimatedStart(
                                3, new TargetCapacity(2, 0), Optional.empty(), NOW, NOW))
                .isEmpty();
    }

    @Test
    void aJobThatAFreeSlotTakesStartsNow() {
        assertThat(WaitEstimator.estimatedStart(1, new TargetCapacity(0, 2), MINUTE, NOW, NOW))
                .contains(NOW);
    }

    @Test
    void jobsAheadBeyondTheFreeSlotsWaitForSlotsToComeFree() {
        // Ten jobs to start (nine ahead and this one), two slots, a minute each: five minutes.
        assertThat(WaitEstimator.estimatedStart(9, new TargetCapacity(2, 0), MINUTE, NOW, NOW))
                .contains(NOW.plus(Duration.ofMinutes(5)));
        // One free slot takes the first of them at once.
        assertThat(WaitEstimator.estimatedStart(9, new TargetCapacity(1, 1), MINUTE, NOW, NOW))
                .contains(NOW.plus(Duration.ofMinutes(9).dividedBy(2)));
    }

    @Test
    void moreJobsAheadNeverMeanAnEarlierStart() {
        TargetCapacity capacity = new TargetCapacity(3, 1);
        Instant previous = NOW;
        for (long ahead = 0; ahead < 50; ahead++) {
            Instant eta =
                    WaitEstimator.estimatedStart(ahead, capacity, MINUTE, NOW, NOW).orElseThrow();
            assertThat(eta).isAfterOrEqualTo(previous);
            previous = eta;
        }
    }

    @Test
    void aJobInBackoffStartsNoEarlierThanItsBackoffEnds() {
        Instant backoffEnds = NOW.plus(Duration.ofHours(1));
        assertThat(
                        WaitEstimator.estimatedStart(
                                0, new TargetCapacity(0, 1), MINUTE, NOW, backoffEnds))
                .contains(backoffEnds);
    }

    @Test
    void aNegativeCountAheadIsRefused() {
        assertThatThrownBy(
                        () ->
                                WaitEstimator.estimatedStart(
                                        -1, new TargetCapacity(1, 0), MINUTE, NOW, NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aQueueDrainsWhenItsWorkIsSharedByTheSlots() {
        List<QueuedWork> work =
                List.of(
                        new QueuedWork(4, MINUTE),
                        new QueuedWork(6, Optional.of(Duration.ofSeconds(20))));
        // 4 min + 2 min of work on three slots.
        assertThat(WaitEstimator.estimatedDrain(work, new TargetCapacity(2, 1), NOW))
                .contains(NOW.plus(Duration.ofMinutes(2)));
        assertThat(WaitEstimator.estimatedDrain(work, new TargetCapacity(0, 0), NOW)).isEmpty();
        assertThat(
                        WaitEstimator.estimatedDrain(
                                List.of(new QueuedWork(1, Optional.empty())),
                                new TargetCapacity(1, 0),
                                NOW))
                .isEmpty();
    }
}
