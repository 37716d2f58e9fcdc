package dev.crateforge.protocol.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.protocol.message.Samples;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildStatementTests {

    @Test
    void rendersTheDocumentedCanonicalText() {
        assertThat(Samples.statement().render())
                .isEqualTo(
                        "crateforge-build-statement/v1\n"
                                + "job: 7d3c6a3e-6b8f-4f52-9d55-0c1b2a3d4e5f\n"
                                + "attempt: 1\n"
                                + "builder: "
                                + Samples.FINGERPRINT
                                + "\n"
                                + "crate: hello-world\n"
                                + "version: 1.0.0\n"
                                + "target: x86_64-unknown-linux-gnu\n"
                                + "kind: binary\n"
                                + "source-sha256: "
                                + "a".repeat(64)
                                + "\n"
                                + "result: succeeded\n"
                                + "artifact: binary sha256:"
                                + "b".repeat(64)
                                + " size:1234\n");
    }

    @Test
    void parseIsTheInverseOfRender() {
        BuildStatement statement = Samples.statement();

        assertThat(BuildStatement.parse(statement.render())).isEqualTo(statement);
    }

    @Test
    void sortsArtifactsByKind() {
        var binary = new ArtifactDigest(ArtifactKind.BINARY, "b".repeat(64), 1L);
        var metadata = new ArtifactDigest(ArtifactKind.METADATA, "c".repeat(64), 2L);
        var statement =
                new BuildStatement(
                        Samples.JOB,
                        1,
                        Samples.FINGERPRINT,
                        "a",
                        "0.1.0",
                        Samples.TARGET,
                        ArtifactKind.METADATA,
                        Samples.SHA,
                        JobResult.SUCCEEDED,
                        List.of(metadata, binary));

        assertThat(statement.artifacts()).containsExactly(binary, metadata);
    }

    @Test
    void refusesTextThatIsNotCanonical() {
        String canonical = Samples.statement().render();

        assertThatThrownBy(
                        () -> BuildStatement.parse(canonical.replace("attempt: 1", "attempt: 01")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BuildStatement.parse(canonical.replace("\n", "\r\n")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> BuildStatement.parse(canonical.substring(0, canonical.length() - 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("statement must end with a newline");
        assertThatThrownBy(() -> BuildStatement.parse(canonical.replace("crate: ", "krate: ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("statement line 'crate' missing or out of order");
    }
}
