package dev.crateforge.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crateforge.localstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How far a queued job's {@code eta} is from when it really starts, on real builds: two reference
 * builders of one slot each, a warm-up that gives the scheduler its typical durations, then a batch
 * of binary and metadata jobs of small real crates submitted at once. Each job's ETA is read right
 * after the batch is in, and compared with its assignment. Not part of the test run; see
 * docs/performance-scheduler.md.
 */
class EtaAccuracyBenchmark {

    private static final int BATCH = Integer.getInteger("bench.eta.jobs", 16);

    @TempDir Path work;

    private final List<String> report = new ArrayList<>();

    @Test
    void measure() throws Exception {
        Cargo cargo = Cargo.find().orElse(null);
        Assumptions.assumeTrue(cargo != null, "cargo not found: SKIPPING the ETA benchmark");
        String target = cargo.hostTarget();
        try (CrateForgeSystem system =
                        CrateForgeSystem.start(
                                LocalStack.shared(),
                                CrateForgeSystem.Options.defaults(work.resolve("system")));
                SourceServer sources = SourceServer.start(work.resolve("sources"))) {
            CrateForgeClient client = system.client();
            List<BuilderProcess> builders = new ArrayList<>();
            try {
                for (String name : List.of("eta-one", "eta-two")) {
                    builders.add(system.startRegisteredBuilder(name, List.of(target), work));
                }
                List<UUID> warmUp = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    warmUp.add(submit(client, sources, cargo, target, "warm" + i, "binary"));
                    warmUp.add(submit(client, sources, cargo, target, "warm" + i, "metadata"));
                }
                awaitFinished(client, warmUp);

                List<Path> crates = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    crates.add(pack(cargo, "eta" + i));
                }
                List<UUID> batch = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    String kind = i % 2 == 0 ? "binary" : "metadata";
                    batch.add(submit(client, sources, target, crates.get(i), "eta" + i, kind));
                }
                Map<UUID, Instant> etas = new LinkedHashMap<>();
                Instant asked = Instant.now();
                for (UUID id : batch) {
                    JsonNode job = client.job(id);
                    if (job.path("eta").isTextual()) {
                        etas.put(id, Instant.parse(job.path("eta").asText()));
                    }
                }
                awaitFinished(client, batch);
                summarise(client, etas, asked);
            } finally {
                for (BuilderProcess builder : builders) {
                    builder.close();
                }
            }
        }
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target/benchmark-eta.txt"), report);
    }

    private void summarise(CrateForgeClient client, Map<UUID, Instant> etas, Instant asked) {
        assertThat(etas).as("jobs with an ETA").isNotEmpty();
        double[] absolute = new double[etas.size()];
        double[] waits = new double[etas.size()];
        double signed = 0;
        int i = 0;
        for (Map.Entry<UUID, Instant> entry : etas.entrySet()) {
            Instant started = Instant.parse(client.job(entry.getKey()).path("assignedAt").asText());
            double error = Duration.between(entry.getValue(), started).toMillis() / 1000.0;
            signed += error;
            absolute[i] = Math.abs(error);
            waits[i] = Math.max(0, Duration.between(asked, started).toMillis() / 1000.0);
            i++;
        }
        Arrays.sort(absolute);
        Arrays.sort(waits);
        int n = absolute.length;
        line("%d of %d queued jobs had an ETA", n, BATCH);
        line("actual wait: median %.1f s, max %.1f s", waits[n / 2], waits[n - 1]);
        line(
                "ETA error |started - eta|: median %.1f s, p90 %.1f s, max %.1f s; mean signed"
                        + " error %+.1f s (positive: later than estimated)",
                absolute[n / 2],
                absolute[(int) Math.min(n - 1, Math.ceil(n * 0.9) - 1)],
                absolute[n - 1],
                signed / n);
    }

    private static void awaitFinished(CrateForgeClient client, List<UUID> jobs) {
        await().atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () ->
                                jobs.stream()
                                        .map(client::state)
                                        .allMatch(
                                                s -> s.equals("succeeded") || s.equals("failed")));
        assertThat(jobs.stream().map(client::state)).containsOnly("succeeded");
    }

    private Path pack(Cargo cargo, String name) {
        return cargo.pack(
                Cargo.writeBinaryCrate(
                        work.resolve("crates"),
                        name,
                        "1.0.0",
                        "fn main() {\n    println!(\"" + name + "\");\n}\n"),
                name,
                "1.0.0");
    }

    private UUID submit(
            CrateForgeClient client,
            SourceServer sources,
            Cargo cargo,
            String target,
            String name,
            String kind) {
        return submit(client, sources, target, packOnce(cargo, name), name, kind);
    }

    private final Map<String, Path> packed = new LinkedHashMap<>();

    private Path packOnce(Cargo cargo, String name) {
        return packed.computeIfAbsent(name, n -> pack(cargo, n));
    }

    private static UUID submit(
            CrateForgeClient client,
            SourceServer sources,
            String target,
            Path crate,
            String name,
            String kind) {
        return client.submit(
                new CrateForgeClient.JobSpec(
                        name,
                        "1.0.0",
                        sources.publish(crate),
                        SourceServer.sha256(crate),
                        target,
                        kind));
    }

    private void line(String format, Object... args) {
        String text = String.format(format, args);
        System.out.println("[benchmark] " + text);
        report.add(text);
    }
}
