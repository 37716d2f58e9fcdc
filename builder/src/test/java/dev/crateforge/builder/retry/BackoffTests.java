package dev.crateforge.builder.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTests {

    @Test
    void doublesFromOneSecondToSixtyWithHalfJitter() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(7));
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            delays.add(backoff.next().toMillis());
        }
        long[] bases = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000};
        for (int i = 0; i < bases.length; i++) {
            assertThat(delays.get(i)).isBetween(bases[i] / 2, bases[i] * 3 / 2);
        }
    }

    @Test
    void resetStartsOverAtTheMinimum() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(7));
        for (int i = 0; i < 5; i++) {
            backoff.next();
        }
        backoff.reset();
        assertThat(backoff.next().toMillis()).isBetween(500L, 1500L);
    }
}
