package dev.crateforge.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import dev.crateforge.protocol.job.JobLimitsOverride;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.protocol.kafka.VersionYankChanged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml describes the builder WebSocket for other languages' tooling; this keeps it
 * listing every message the library knows, under the same wire names.
 */
class AsyncApiDocumentTests {

    private static final Path DOCUMENT = Path.of("..", "docs", "asyncapi.yaml");

    @Test
    void listsEveryMessageTypeUnderItsWireName() throws Exception {
        String document = Files.readString(DOCUMENT);

        assertThat(document)
                .startsWith("#")
                .contains("asyncapi: 3.0.0")
                .contains("address: " + BuilderProtocol.PATH);
        for (String name : wireNames()) {
            assertThat(document)
                    .as("message %s", name)
                    .contains("name: " + name + "\n")
                    .contains("{const: " + name + "}");
        }
    }

    @Test
    void namesBothSignatureNamespaces() throws Exception {
        String document = Files.readString(DOCUMENT);

        assertThat(document)
                .contains(BuilderProtocol.AUTH_NAMESPACE)
                .contains(BuilderProtocol.BUILD_NAMESPACE);
    }

    @Test
    void describesTheVersionYankRecordWithEveryField() throws Exception {
        String document = Files.readString(DOCUMENT);

        assertThat(document).contains("address: " + Topics.VERSION_YANKS + "\n");
        for (var component : VersionYankChanged.class.getRecordComponents()) {
            assertThat(document)
                    .as("field %s", component.getName())
                    .contains("        " + component.getName() + ": {");
        }
        assertThat(document)
                .contains("required: [registry, crate, version, yanked, changedAt]")
                .contains(VersionYankChanged.REGISTRY_NAME.pattern());
    }

    @Test
    void describesEveryFieldOfTheLimitsOverride() throws Exception {
        String document = Files.readString(DOCUMENT);
        String protocolPage = Files.readString(Path.of("..", "docs", "protocol.md"));

        assertThat(document)
                .contains("        limits: {$ref: '#/components/schemas/JobLimitsOverride'}");
        for (var component : JobLimitsOverride.class.getRecordComponents()) {
            assertThat(document)
                    .as("field %s", component.getName())
                    .contains("        " + component.getName() + ": {type: integer");
            assertThat(protocolPage)
                    .as("field %s", component.getName())
                    .contains("| `" + component.getName() + "` | int");
        }
        assertThat(document)
                .contains("maximum: " + JobLimitsOverride.MAX_MEMORY_BYTES + "}")
                .contains("maximum: " + JobLimitsOverride.MAX_DISK_BYTES + "}")
                .contains("maximum: " + JobLimitsOverride.MAX_LOG_BYTES + "}")
                .contains("maximum: " + JobLimitsOverride.MAX_PROCESSES + "}")
                .contains("maximum: " + JobLimitsOverride.MAX_SECONDS + "}");
    }

    private static List<String> wireNames() {
        return Stream.of(ClientMessage.class, ServerMessage.class)
                .flatMap(type -> Arrays.stream(type.getAnnotation(JsonSubTypes.class).value()))
                .map(JsonSubTypes.Type::name)
                .toList();
    }
}
