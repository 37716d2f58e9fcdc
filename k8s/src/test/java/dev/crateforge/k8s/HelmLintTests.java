package dev.crateforge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.k8s.Chart.ValuesFile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code helm lint --strict} on the chart with every shipped values file, and the values schema
 * refusing what must never be installed.
 */
class HelmLintTests {

    @ParameterizedTest(name = "{0}")
    @EnumSource(ValuesFile.class)
    void lintsCleanlyInStrictMode(ValuesFile values) {
        List<String> arguments = new ArrayList<>(List.of("lint", "--strict", Chart.DIR.toString()));
        arguments.addAll(values.arguments());

        HelmBinary.Result result = HelmBinary.run(arguments);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.stdout()).contains("0 chart(s) failed");
        assertThat(result.output()).doesNotContain("[WARNING]", "[ERROR]");
    }

    @Test
    void schemaRefusesTheLatestTag() {
        assertRefused("gateway.image.tag=latest", "/gateway/image/tag");
        assertRefused("image.tag=latest", "/image/tag");
    }

    @Test
    void schemaRefusesAMisspeltKey() {
        assertRefused("scheduler.replicas=3", "replicas");
    }

    @Test
    void schemaRefusesAWritableRootFilesystemOrRoot() {
        assertRefused(
                "containerSecurityContext.readOnlyRootFilesystem=false", "readOnlyRootFilesystem");
        assertRefused("podSecurityContext.runAsNonRoot=false", "runAsNonRoot");
    }

    @Test
    void schemaRefusesAJdbcUrlForAnotherDatabase() {
        assertRefused("postgresql.jdbcUrl=jdbc:mysql://db/crateforge", "jdbcUrl");
    }

    @Test
    void exampleBuilderWithoutAKeySecretIsRefused() {
        HelmBinary.Result result = Chart.template(List.of("--set", "builder.enabled=true"));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("builder.sshKey.existingSecret");
    }

    private static void assertRefused(String setting, String mentioned) {
        HelmBinary.Result result = Chart.template(List.of("--set", setting));

        assertThat(result.exitCode()).as("helm template --set %s", setting).isNotZero();
        assertThat(result.stderr()).contains(mentioned);
    }
}
