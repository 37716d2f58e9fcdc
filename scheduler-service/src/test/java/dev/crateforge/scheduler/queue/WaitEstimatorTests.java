package dev.crateforge.scheduler.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.scheduler.queue.WaitEstimator.QueuedWork;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WaitEstimatorTests {

    private static final Instant NOW = Instant.parse("2026-12-06T03:00:00Z");
    private static final Optional<Duration> MINUTE = Optional.of(Duration.ofMinutes(1));

    private static List<QueuedWork> binaries(long jobs) {
        return List.of(new QueuedWork(ArtifactKind.BINARY, jobs, MINUTE));
    }

    private static Optional<Instant> start(long ahead, TargetCapacity capacity) {
        return WaitEstimator.estimatedStart(binaries(ahead), capacity, MINUTE, NOW, NOW);
    }

    @Test
    void nothingServingTheTargetOrNoHistoryGivesNoEstimate() {
        assertThat(start(3, new TargetCapacity(0, 0))).isEmpty();
        assertThat(
                        WaitEstimator.estimatedStart(
                                binaries(3), new TargetCapacity(2, 0), Optional.empty(), NOW, NOW))
                .isEmpty();
        List<QueuedWork> unknownAhead =
                List.of(new QueuedWork(ArtifactKind.METADATA, 1, Optional.empty()));
        assertThat(
                        WaitEstimator.estimatedStart(
                                unknownAhead, new TargetCapacity(2, 0), MINUTE, NOW, NOW))
                .isEmpty();
    }

    @Test
    void aJobThatAFreeSlotTakesStartsNow() {
        assertThat(start(1, new TargetCapacity(0, 2))).contains(NOW);
    }

    @Test
    void theSlotsShareTheRestOfTheRunningJobsAndTheWorkAhead() {
        // Nothing ahead, one running job halfway through its minute.
        assertThat(start(0, new TargetCapacity(1, 0))).contains(NOW.plusSeconds(30));
        // Nine minutes ahead and two half minutes running, on two slots: five minutes.
        assertThat(start(9, new TargetCapacity(2, 0))).contains(NOW.plus(Duration.ofMinutes(5)));
        // Kinds ahead count with their own typical durations: 2 × 60 s + 4 × 15 s + 30 s.
        List<QueuedWork> mixed =
                List.of(
                        new QueuedWork(ArtifactKind.BINARY, 2, MINUTE),
                        new QueuedWork(
                                ArtifactKind.METADATA, 4, Optional.of(Duration.ofSeconds(15))));
        assertThat(WaitEstimator.estimatedStart(mixed, new TargetCapacity(1, 0), MINUTE, NOW, NOW))
                .contains(NOW.plusSeconds(210));
    }

    @Test
    void moreJobsAheadNeverMeanAnEarlierStart() {
        TargetCapacity capacity = new TargetCapacity(3, 1);
        Instant previous = NOW;
        for (long ahead = 0; ahead < 50; ahead++) {
            Instant eta = start(ahead, capacity).orElseThrow();
            assertThat(eta).isAfterOrEqualTo(previous);
            previous = eta;
        }
    }

    @Test
    void aJobInBackoffStartsNoEarlierThanItsBackoffEnds() {
        Instant backoffEnds = NOW.plus(Duration.ofHours(1));
        assertThat(
                        WaitEstimator.estimatedStart(
                                binaries(0), new TargetCapacity(0, 1), MINUTE, NOW, backoffEnds))
                .contains(backoffEnds);
    }

    @Test
    void aNegativeCountIsRefused() {
        assertThatThrownBy(() -> new QueuedWork(ArtifactKind.BINARY, -1, MINUTE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TargetCapacity(-1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aQueueDrainsWhenItsWorkIsSharedByTheSlots() {
        List<QueuedWork> work =
                List.of(
                        new QueuedWork(ArtifactKind.BINARY, 4, MINUTE),
                        new QueuedWork(
                                ArtifactKind.METADATA, 6, Optional.of(Duration.ofSeconds(20))));
        // 4 min + 2 min of work on three slots.
        assertThat(WaitEstimator.estimatedDrain(work, new TargetCapacity(2, 1), NOW))
                .contains(NOW.plus(Duration.ofMinutes(2)));
        assertThat(WaitEstimator.estimatedDrain(work, new TargetCapacity(0, 0), NOW)).isEmpty();
        assertThat(
                        WaitEstimator.estimatedDrain(
                                List.of(new QueuedWork(ArtifactKind.BINARY, 1, Optional.empty())),
                                new TargetCapacity(1, 0),
                                NOW))
                .isEmpty();
    }
}
