package dev.crateforge.localstack.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crateforge.localstack.benchmark.BenchmarkResults.Better;
import dev.crateforge.localstack.benchmark.BenchmarkResults.Figure;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkResultsTest {

    @TempDir Path dir;

    @AfterEach
    void forget() {
        System.clearProperty(BenchmarkResults.DIRECTORY_PROPERTY);
    }

    @Test
    void aBenchmarkReplacesOnlyItsOwnFiguresAndJudgesRatiosAgainstTargets() throws Exception {
        System.setProperty(BenchmarkResults.DIRECTORY_PROPERTY, dir.toString());
        BenchmarkResults.record("gateway", List.of(Figure.of("handshakes", 1, "1/s")));
        BenchmarkResults.record(
                "scheduler", List.of(Figure.of("old", 1, "jobs/s"), Figure.of("older", 2, "x")));
        Path file =
                BenchmarkResults.record(
                        "scheduler",
                        List.of(
                                Figure.of("assignments", 600, "jobs/s")
                                        .withCeiling("bare claim loop", 1000)
                                        .withTarget(0.5, Better.HIGHER),
                                Figure.of("p99", 25, "ms").withTarget(20, Better.LOWER)));

        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertThat(root.path("machine").path("cores").asInt()).isPositive();
        assertThat(root.path("figures")).hasSize(3);
        JsonNode assignments = root.path("figures").get(1);
        assertThat(assignments.path("benchmark").asText()).isEqualTo("scheduler");
        assertThat(assignments.path("ratio").asDouble()).isEqualTo(0.6);
        assertThat(assignments.path("targetOn").asText()).isEqualTo("ratio");
        assertThat(assignments.path("met").asBoolean()).isTrue();
        JsonNode p99 = root.path("figures").get(2);
        assertThat(p99.has("ratio")).isFalse();
        assertThat(p99.path("targetOn").asText()).isEqualTo("value");
        assertThat(p99.path("met").asBoolean()).isFalse();
        assertThat(root.path("figures").get(0).path("name").asText()).isEqualTo("handshakes");
    }

    @Test
    void theProjectRootIsWhereTheMavenWrapperIs() {
        assertThat(BenchmarkResults.projectRoot().resolve("mvnw")).exists();
    }
}
