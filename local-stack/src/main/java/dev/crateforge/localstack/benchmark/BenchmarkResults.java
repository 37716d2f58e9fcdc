package dev.crateforge.localstack.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The machine-readable record of every benchmark: {@code target/benchmarks/results.json} at the
 * project's root. Each benchmark replaces its own figures and leaves the others', so one benchmark
 * can be rerun alone and the file still holds a whole run. A figure carries the ceiling measured in
 * the same run and the ratio to it, because absolute numbers on a shared two-core machine swing ±2x
 * between runs while ratios within one run do not.
 */
public final class BenchmarkResults {

    /** Overrides where the file goes; the default is the root found by {@link #projectRoot()}. */
    public static final String DIRECTORY_PROPERTY = "crateforge.benchmarks.dir";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchmarkResults() {}

    /** Whether a bigger value is better (a rate) or a smaller one (a latency, a heap size). */
    public enum Better {
        HIGHER,
        LOWER
    }

    /**
     * One measured figure.
     *
     * @param name what was measured, stable across runs so that history can be compared
     * @param value the measured value
     * @param unit its unit, e.g. {@code "jobs/s"}, {@code "ms"}, {@code "KiB"}
     * @param ceiling the same quantity for the raw part measured in the same run, or null
     * @param ceilingName what the ceiling is, e.g. {@code "bare SKIP LOCKED claim loop"}, or null
     * @param target the figure to meet, as a ratio when there is a ceiling and an absolute value
     *     otherwise, or null when there is none
     * @param better which way is better, to judge the target
     */
    public record Figure(
            String name,
            double value,
            String unit,
            Double ceiling,
            String ceilingName,
            Double target,
            Better better) {

        public static Figure of(String name, double value, String unit) {
            return new Figure(name, value, unit, null, null, null, Better.HIGHER);
        }

        public Figure withCeiling(String ceilingName, double ceiling) {
            return new Figure(name, value, unit, ceiling, ceilingName, target, better);
        }

        /** A target on the ratio when there is a ceiling, else on the value. */
        public Figure withTarget(double target, Better better) {
            return new Figure(name, value, unit, ceiling, ceilingName, target, better);
        }

        public Double ratio() {
            return ceiling == null || ceiling == 0 ? null : value / ceiling;
        }

        public Boolean met() {
            if (target == null) {
                return null;
            }
            double judged = ratio() != null ? ratio() : value;
            return better == Better.HIGHER ? judged >= target : judged <= target;
        }
    }

    /**
     * Replaces the figures of {@code benchmark} in the results file with {@code figures} and prints
     * them. Safe against another JVM doing the same at once (a file lock).
     */
    public static Path record(String benchmark, List<Figure> figures) {
        Path file = directory().resolve("results.json");
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel lockChannel =
                            FileChannel.open(
                                    file.resolveSibling("results.lock"),
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.WRITE);
                    FileLock ignored = lockChannel.lock()) {
                ObjectNode root =
                        Files.exists(file)
                                ? (ObjectNode) JSON.readTree(file.toFile())
                                : JSON.createObjectNode();
                root.set("machine", machine());
                ArrayNode kept = JSON.createArrayNode();
                if (root.get("figures") instanceof ArrayNode old) {
                    old.forEach(
                            node -> {
                                if (!benchmark.equals(node.path("benchmark").asText())) {
                                    kept.add(node);
                                }
                            });
                }
                String measuredAt = Instant.now().toString();
                for (Figure figure : figures) {
                    kept.add(toJson(benchmark, figure, measuredAt));
                    System.out.println("[benchmark] " + describe(benchmark, figure));
                }
                root.set("figures", kept);
                Path temporary = file.resolveSibling("results.json.tmp");
                JSON.writeValue(temporary.toFile(), root);
                Files.move(
                        temporary,
                        file,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** {@code target/benchmarks} under the project's root, or {@value #DIRECTORY_PROPERTY}. */
    public static Path directory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        return configured != null && !configured.isBlank()
                ? Path.of(configured)
                : projectRoot().resolve("target").resolve("benchmarks");
    }

    /**
     * The nearest directory upwards from the working directory that holds the Maven wrapper: the
     * project's root whichever module's tests run.
     */
    public static Path projectRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate = here; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("mvnw"))) {
                return candidate;
            }
        }
        return here;
    }

    static String describe(String benchmark, Figure figure) {
        StringBuilder line =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "%s / %s: %,.2f %s",
                                benchmark,
                                figure.name(),
                                figure.value(),
                                figure.unit()));
        if (figure.ratio() != null) {
            line.append(
                    String.format(
                            Locale.ROOT,
                            " (ceiling %s: %,.2f %s, ratio %.2f)",
                            figure.ceilingName(),
                            figure.ceiling(),
                            figure.unit(),
                            figure.ratio()));
        }
        if (figure.met() != null) {
            line.append(
                    String.format(
                            Locale.ROOT,
                            " target %s %s: %s",
                            figure.better() == Better.HIGHER ? "≥" : "≤",
                            figure.target(),
                            figure.met() ? "met" : "NOT met"));
        }
        return line.toString();
    }

    private static ObjectNode toJson(String benchmark, Figure figure, String measuredAt) {
        ObjectNode node = JSON.createObjectNode();
        node.put("benchmark", benchmark);
        node.put("name", figure.name());
        node.put("value", figure.value());
        node.put("unit", figure.unit());
        if (figure.ceiling() != null) {
            node.put("ceilingName", figure.ceilingName());
            node.put("ceiling", figure.ceiling());
            node.put("ratio", figure.ratio());
        }
        if (figure.target() != null) {
            node.put("target", figure.target());
            node.put("targetOn", figure.ratio() != null ? "ratio" : "value");
            node.put("better", figure.better().name().toLowerCase(Locale.ROOT));
            node.put("met", figure.met());
        }
        node.put("measuredAt", measuredAt);
        // The load beside a figure says how far to trust its absolute value.
        node.put("loadAverage", Samples.loadAverage());
        return node;
    }

    private static ObjectNode machine() {
        ObjectNode machine = JSON.createObjectNode();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", cpuModel());
        long memory =
                ((com.sun.management.OperatingSystemMXBean)
                                ManagementFactory.getOperatingSystemMXBean())
                        .getTotalMemorySize();
        machine.put("memoryBytes", memory);
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version());
        return machine;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse(System.getProperty("os.arch"));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }
}
