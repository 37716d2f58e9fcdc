package dev.crateforge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Dockerfiles of the three services and the builder, read as text (no Docker here): each exists
 * for the JVM and the native build, takes its base image as a build argument with a pinned default,
 * and ends as a numeric non-root user.
 */
class ContainerImageTests {

    private static final Path REPOSITORY = Chart.DIR.getParent().getParent();
    private static final Pattern FINAL_USER = Pattern.compile("(?m)^USER\\s+(\\S+)\\s*$");
    private static final Pattern ARG_DEFAULT = Pattern.compile("(?m)^ARG\\s+\\w+=(\\S+)\\s*$");

    static List<Path> dockerfiles() {
        return List.of("gateway-service", "scheduler-service", "artifact-service", "builder")
                .stream()
                .flatMap(
                        module ->
                                List.of("Dockerfile.jvm", "Dockerfile.native").stream()
                                        .map(
                                                name ->
                                                        REPOSITORY
                                                                .resolve(module)
                                                                .resolve("src/main/docker")
                                                                .resolve(name)))
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dockerfiles")
    void imageRunsAsANumericNonRootUser(Path dockerfile) throws IOException {
        String text = Files.readString(dockerfile);

        Matcher user = FINAL_USER.matcher(text);
        String last = null;
        while (user.find()) {
            last = user.group(1);
        }
        assertThat(last).as("%s sets USER", dockerfile).isNotNull().matches("[0-9]+");
        assertThat(Integer.parseInt(last)).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dockerfiles")
    void baseImagesAreBuildArgumentsPinnedToATag(Path dockerfile) throws IOException {
        String text = Files.readString(dockerfile);

        assertThat(text).containsPattern("(?m)^FROM \\$\\{\\w+}");
        Matcher defaults = ARG_DEFAULT.matcher(text);
        int count = 0;
        while (defaults.find()) {
            count++;
            String image = defaults.group(1);
            assertThat(image.substring(image.lastIndexOf('/') + 1))
                    .as("base image %s", image)
                    .contains(":")
                    .doesNotEndWith(":latest");
        }
        assertThat(count).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dockerfiles")
    void imageCopiesWhatTheMatchingBuildProduces(Path dockerfile) throws IOException {
        String text = Files.readString(dockerfile);

        if (dockerfile.getFileName().toString().endsWith(".native")) {
            assertThat(text).contains("COPY").contains("target/*-runner");
        } else {
            assertThat(text)
                    .contains("target/quarkus-app/lib/")
                    .contains("target/quarkus-app/quarkus/")
                    .contains("quarkus-run.jar");
        }
    }
}
