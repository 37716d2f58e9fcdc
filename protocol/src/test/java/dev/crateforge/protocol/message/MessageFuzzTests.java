package dev.crateforge.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz tests of the message decoder and the build statement parser, the two parsers a builder's
 * bytes reach first. In a normal build they replay the seeds under {@code
 * src/test/resources/dev/crateforge/protocol/message/MessageFuzzTestsInputs/<method>/}; with {@code
 * JAZZER_FUZZ=1} they fuzz (docs/fuzzing.md).
 *
 * <p>The property: any frame either decodes to a message that encodes and decodes to itself, or
 * fails with {@link ProtocolDecodeException}; nothing else escapes.
 */
class MessageFuzzTests {

    @FuzzTest(maxDuration = "10m")
    void decodeClientMessage(byte[] input) throws ProtocolDecodeException {
        String frame = new String(input, StandardCharsets.UTF_8);
        ClientMessage message;
        try {
            message = MessageCodec.decodeClientMessage(frame);
        } catch (ProtocolDecodeException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(MessageCodec.decodeClientMessage(MessageCodec.encode(message)))
                .isEqualTo(message);
    }

    @FuzzTest(maxDuration = "10m")
    void decodeServerMessage(byte[] input) throws ProtocolDecodeException {
        String frame = new String(input, StandardCharsets.UTF_8);
        ServerMessage message;
        try {
            message = MessageCodec.decodeServerMessage(frame);
        } catch (ProtocolDecodeException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(MessageCodec.decodeServerMessage(MessageCodec.encode(message)))
                .isEqualTo(message);
    }

    @FuzzTest(maxDuration = "10m")
    void parseBuildStatement(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        BuildStatement statement;
        try {
            statement = BuildStatement.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(statement.render()).isEqualTo(text);
    }
}
