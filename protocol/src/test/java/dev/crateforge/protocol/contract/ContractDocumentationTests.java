package dev.crateforge.protocol.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The documentation of the contract is the contract's own rendering: each table between {@code <!--
 * contract:NAME -->} and {@code <!-- /contract -->} in the docs must be exactly what {@link
 * ContractTables} renders from the enums, so docs and code cannot drift. On a failure the expected
 * table is in the message, ready to paste.
 */
class ContractDocumentationTests {

    private static final Path PROTOCOL = Path.of("..", "docs", "protocol.md");
    private static final Path ARTIFACT = Path.of("..", "docs", "artifact.md");
    private static final Path ASYNCAPI = Path.of("..", "docs", "asyncapi.yaml");

    @Test
    void protocolDocumentListsEverySocketErrorAsTheContractSays() throws Exception {
        assertThat(section(PROTOCOL, "socket-errors")).isEqualTo(ContractTables.socketErrors());
    }

    @Test
    void protocolDocumentListsEveryCloseAsTheContractSays() throws Exception {
        assertThat(section(PROTOCOL, "socket-closes")).isEqualTo(ContractTables.socketCloses());
    }

    @Test
    void protocolDocumentListsEveryUploadOutcomeAsTheContractSays() throws Exception {
        assertThat(section(PROTOCOL, "upload-outcomes")).isEqualTo(ContractTables.uploadOutcomes());
    }

    @Test
    void protocolDocumentListsEveryFailureCodeAsTheContractSays() throws Exception {
        assertThat(section(PROTOCOL, "failure-codes")).isEqualTo(ContractTables.failureCodes());
    }

    @Test
    void protocolDocumentListsEveryPeerAction() throws Exception {
        assertThat(section(PROTOCOL, "peer-actions")).isEqualTo(ContractTables.peerActions());
    }

    @Test
    void artifactDocumentListsEveryUploadOutcomeAsTheContractSays() throws Exception {
        assertThat(section(ARTIFACT, "upload-outcomes")).isEqualTo(ContractTables.uploadOutcomes());
    }

    @Test
    void asyncApiEnumeratesEveryErrorAndFailureCode() throws Exception {
        String document = Files.readString(ASYNCAPI);

        assertThat(document)
                .contains(
                        "enum: ["
                                + Arrays.stream(SocketError.values())
                                        .map(SocketError::wireName)
                                        .collect(Collectors.joining(", "))
                                + "]")
                .contains(
                        "enum: ["
                                + Arrays.stream(FailureCode.values())
                                        .map(FailureCode::wireName)
                                        .collect(Collectors.joining(", "))
                                + "]");
    }

    private static String section(Path document, String name) throws Exception {
        String text = Files.readString(document);
        String start = "<!-- contract:" + name + " -->\n";
        int from = text.indexOf(start);
        assertThat(from)
                .as("%s has a section <!-- contract:%s -->", document, name)
                .isNotNegative();
        int to = text.indexOf("<!-- /contract -->", from);
        assertThat(to).as("%s closes its section %s", document, name).isPositive();
        return text.substring(from + start.length(), to);
    }
}
