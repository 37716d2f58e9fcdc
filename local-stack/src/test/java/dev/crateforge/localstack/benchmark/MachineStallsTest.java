package dev.crateforge.localstack.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MachineStallsTest {

    @Test
    void readsTheSomeTotalOfCpuPressure() {
        String pressure =
                "some avg10=2.18 avg60=20.03 avg300=19.67 total=101588592\n"
                        + "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";

        assertThat(MachineStalls.someTotal(pressure)).isEqualTo(101_588_592L);
        assertThatThrownBy(() -> MachineStalls.someTotal("full total=3\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsStealAndAllTicksOfTheCpuLine() {
        String stat =
                "cpu  171202 0 16896 83235 676 0 2018 7810 0 0\n"
                        + "cpu0 85601 0 8448 41617 338 0 1009 3905 0 0\n";

        assertThat(MachineStalls.stealAndTotal(stat))
                .containsExactly(7810L, 171202L + 16896 + 83235 + 676 + 2018 + 7810);
    }

    @Test
    void aCollectionDuringThePhaseIsSeenAndSharesStayWithinTheWindow() throws Exception {
        long origin = System.nanoTime();
        try (MachineStalls stalls = MachineStalls.sample(origin, Duration.ofMillis(5))) {
            System.gc();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !stalls.pausesDuring(0, elapsedMs(origin)).isEmpty());
            double now = elapsedMs(origin);

            assertThat(stalls.report()).isNotBlank();
            if (Files.isReadable(Path.of("/proc/pressure/cpu"))) {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> stalls.cpuWaitShare(0, now) >= 0);
                assertThat(stalls.cpuWaitShare(0, now)).isBetween(0.0, 1.0);
                assertThat(stalls.report()).contains("waited for a CPU").contains("steal");
            } else {
                System.err.println(
                        "MachineStallsTest: SKIPPING the CPU pressure check: this kernel has no"
                                + " /proc/pressure/cpu");
            }
            assertThat(stalls.cpuWaitShare(now + 60_000, now + 61_000)).isNegative();
            assertThat(stalls.describe(0, now)).contains("GC");
        }
    }

    private static double elapsedMs(long origin) {
        return (System.nanoTime() - origin) / 1e6;
    }
}
