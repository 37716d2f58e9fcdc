package dev.crateforge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The chart under test: where it is, the values files it ships, and its manifests as rendered by
 * {@code helm template} and parsed into fabric8's typed model.
 */
final class Chart {

    /**
     * Release name used for every render; resource names start with {@code <release>-crateforge}.
     */
    static final String RELEASE = "cf";

    static final String NAMESPACE = "crateforge";

    /** The three services: each has a Deployment, Service, HPA, PDB and ServiceAccount. */
    static final List<String> SERVICES = List.of("gateway", "scheduler", "artifact");

    static final Path DIR =
            Path.of(System.getProperty("crateforge.chart.dir", "crateforge")).toAbsolutePath();

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Map<List<String>, Rendered> CACHE = new ConcurrentHashMap<>();

    private Chart() {}

    /**
     * The values files a user is told to install with; DEFAULT is the chart's values.yaml alone.
     */
    enum ValuesFile {
        DEFAULT(null),
        NATIVE("values-native.yaml"),
        EXAMPLE("values-example.yaml");

        private final String fileName;

        ValuesFile(String fileName) {
            this.fileName = fileName;
        }

        List<String> arguments() {
            return fileName == null ? List.of() : List.of("-f", DIR.resolve(fileName).toString());
        }
    }

    /** Full name of one component's resources. */
    static String name(String component) {
        return RELEASE + "-crateforge-" + component;
    }

    /** Renders with a values file (cached: the same arguments render the same manifests). */
    static Rendered render(ValuesFile values) {
        return render(values.arguments());
    }

    /** Renders with extra helm arguments ({@code --set}, {@code -f}); fails on a helm error. */
    static Rendered render(List<String> extraArguments) {
        return CACHE.computeIfAbsent(List.copyOf(extraArguments), Chart::renderUncached);
    }

    /** Runs {@code helm template} and returns the result whatever its exit code. */
    static HelmBinary.Result template(List<String> extraArguments) {
        List<String> arguments =
                new ArrayList<>(
                        List.of("template", RELEASE, DIR.toString(), "--namespace", NAMESPACE));
        arguments.addAll(extraArguments);
        return HelmBinary.run(arguments);
    }

    private static Rendered renderUncached(List<String> extraArguments) {
        HelmBinary.Result result = template(extraArguments);
        assertThat(result.exitCode())
                .as("helm template %s failed:%n%s", extraArguments, result.output())
                .isZero();
        keepForInspection(extraArguments, result.stdout());
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(result.stdout())) {
            boolean onlyComments =
                    Arrays.stream(document.split("\n"))
                            .map(String::strip)
                            .allMatch(line -> line.isEmpty() || line.startsWith("#"));
            if (!onlyComments) {
                objects.add(SERIALIZATION.unmarshal(document));
            }
        }
        return new Rendered(result.stdout(), List.copyOf(objects));
    }

    /** Writes what was rendered under target/rendered, so a failing assertion can be looked at. */
    private static void keepForInspection(List<String> arguments, String manifests) {
        String dir = System.getProperty("crateforge.helm.render-dir");
        if (dir == null) {
            return;
        }
        String name =
                (arguments.isEmpty() ? "default" : String.join("_", arguments))
                        .replaceAll("[^A-Za-z0-9._=-]+", "_");
        if (name.length() > 120) {
            name = name.substring(name.length() - 120);
        }
        try {
            Files.createDirectories(Path.of(dir));
            Files.writeString(Path.of(dir, name + ".yaml"), manifests);
        } catch (IOException e) {
            System.err.println("could not keep rendered manifests: " + e);
        }
    }

    /** The manifests of one render. */
    record Rendered(String yaml, List<HasMetadata> objects) {

        /** Every object of one type. */
        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        /** The object of one type and name; fails the test when it is missing. */
        <T extends HasMetadata> T one(Class<T> type, String name) {
            List<T> matching =
                    all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).toList();
            assertThat(matching).as("rendered %s named %s", type.getSimpleName(), name).hasSize(1);
            return matching.get(0);
        }
    }
}
