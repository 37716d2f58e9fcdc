package dev.crateforge.artifact.service.validation;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.artifact.TestArtifacts;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MetadataValidatorTests {

    private final MetadataValidator validator = new MetadataValidator();

    private void check(byte[] json, String crate, String version) throws InvalidArtifact {
        validator.check(new ByteArrayInputStream(json), crate, version);
    }

    private void check(String json) throws InvalidArtifact {
        check(json.getBytes(StandardCharsets.UTF_8), "demo", "1.0.0");
    }

    @Test
    void acceptsWhatTheBuilderUploads() {
        assertThatCode(() -> check(TestArtifacts.metadata("demo", "1.0.0"), "demo", "1.0.0"))
                .doesNotThrowAnyException();
        assertThatCode(
                        () ->
                                check(
                                        TestArtifacts.metadataOfSize("demo", "1.0.0", 4096),
                                        "demo",
                                        "1.0.0"))
                .doesNotThrowAnyException();
    }

    /** Real output of cargo 1.95's {@code cargo metadata --format-version 1 --no-deps}. */
    @Test
    void acceptsRealCargoMetadataOutput() throws Exception {
        byte[] real;
        try (var in =
                getClass().getResourceAsStream("/artifacts/cargo-metadata-mdemo-0.3.1.json")) {
            real = in.readAllBytes();
        }
        assertThatCode(() -> check(real, "mdemo", "0.3.1")).doesNotThrowAnyException();
        assertThatThrownBy(() -> check(real, "mdemo", "0.3.2"))
                .hasMessageContaining("it describes 'mdemo' '0.3.1'");
    }

    @Test
    void acceptsOtherPackagesBesideTheCrates() {
        assertThatCode(
                        () ->
                                check(
                                        "{\"version\":1,\"packages\":[{\"name\":\"helper\","
                                                + "\"version\":\"0.1.0\"},{\"name\":\"demo\","
                                                + "\"version\":\"1.0.0\",\"targets\":[]}]}"))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesMetadataOfAnotherCrateOrVersion() {
        byte[] other = TestArtifacts.metadata("other", "1.0.0");
        assertThatThrownBy(() -> check(other, "demo", "1.0.0"))
                .isInstanceOf(InvalidArtifact.class)
                .hasMessage(
                        "the metadata does not describe package 'demo' version '1.0.0'; it"
                                + " describes 'other' '1.0.0'");
        assertThatThrownBy(() -> check(TestArtifacts.metadata("demo", "1.0.1"), "demo", "1.0.0"))
                .hasMessageContaining("it describes 'demo' '1.0.1'");
        assertThatThrownBy(() -> check("{\"version\":1,\"packages\":[]}"))
                .hasMessageContaining("it describes no package");
    }

    @Test
    void refusesWhatIsNotCargoMetadata() {
        assertThatThrownBy(() -> check("[1,2]")).hasMessage("the metadata is not a JSON object");
        assertThatThrownBy(() -> check("")).hasMessage("the metadata is not a JSON object");
        assertThatThrownBy(() -> check("{\"version\":1,\"packages\":[]"))
                .hasMessageStartingWith("the metadata is not valid JSON");
        assertThatThrownBy(() -> check("{\"version\":1,\"packages\":{}}"))
                .hasMessage("the metadata's 'packages' is not an array");
        assertThatThrownBy(() -> check("{\"version\":1,\"packages\":[1]}"))
                .hasMessage("the metadata's 'packages' holds something not an object");
        assertThatThrownBy(
                        () -> check("{\"packages\":[{\"name\":\"demo\",\"version\":\"1.0.0\"}]}"))
                .hasMessageStartingWith("the metadata has no 'version'");
        assertThatThrownBy(
                        () ->
                                check(
                                        "{\"version\":2,\"packages\":[{\"name\":\"demo\","
                                                + "\"version\":\"1.0.0\"}]}"))
                .hasMessage("the metadata is not cargo metadata format version 1");
        assertThatThrownBy(() -> check("{\"version\":1}"))
                .hasMessage("the metadata has no 'packages'");
        assertThatThrownBy(
                        () ->
                                check(
                                        "{\"version\":1,\"packages\":[{\"name\":\"demo\","
                                                + "\"version\":\"1.0.0\"}]} {}"))
                .hasMessage("the metadata has content after its JSON object");
    }
}
