package dev.crateforge.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.protocol.contract.TextLimits;
import dev.crateforge.protocol.job.JobLimitsOverride;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageCodecTests {

    static Stream<ClientMessage> clientMessages() {
        return Samples.clientMessages().stream();
    }

    static Stream<ServerMessage> serverMessages() {
        return Samples.serverMessages().stream();
    }

    @ParameterizedTest
    @MethodSource("clientMessages")
    void clientMessagesRoundTrip(ClientMessage message) throws Exception {
        String frame = MessageCodec.encode(message);

        assertThat(frame).contains("\"type\":\"");
        assertThat(MessageCodec.decodeClientMessage(frame)).isEqualTo(message);
    }

    @ParameterizedTest
    @MethodSource("serverMessages")
    void serverMessagesRoundTrip(ServerMessage message) throws Exception {
        String frame = MessageCodec.encode(message);

        assertThat(frame).contains("\"type\":\"");
        assertThat(MessageCodec.decodeServerMessage(frame)).isEqualTo(message);
    }

    @Test
    void helloHasTheDocumentedWireForm() throws Exception {
        String frame =
                "{\"type\":\"hello\",\"protocolVersion\":1,"
                        + "\"fingerprint\":\""
                        + Samples.FINGERPRINT
                        + "\"}";

        assertThat(MessageCodec.decodeClientMessage(frame))
                .isEqualTo(new Hello(1, Samples.FINGERPRINT, null));
    }

    @Test
    void jobEventHasTheDocumentedWireForm() throws Exception {
        String frame =
                "{\"type\":\"job_event\",\"jobId\":\""
                        + Samples.JOB
                        + "\",\"attempt\":1,\"seq\":7,"
                        + "\"event\":{\"type\":\"log\",\"stream\":\"stderr\",\"line\":\"warning\"}}";

        assertThat(MessageCodec.decodeClientMessage(frame))
                .isEqualTo(
                        new JobEvent(
                                Samples.JOB,
                                1,
                                7L,
                                new JobEventBody.Log(LogStream.STDERR, "warning")));
    }

    @Test
    void jobAssignmentNeverPrintsItsToken() {
        assertThat(Samples.assignment().toString()).doesNotContain("eyJ");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not json",
                "[]",
                "null",
                "{}",
                "{\"type\":\"launch_missiles\"}",
                "{\"type\":\"hello\"}",
                "{\"type\":\"hello\",\"protocolVersion\":\"1\",\"fingerprint\":\"SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s\"}",
                "{\"type\":\"hello\",\"protocolVersion\":1.5,\"fingerprint\":\"SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s\"}",
                "{\"type\":\"hello\",\"protocolVersion\":1,\"fingerprint\":\"MD5:aa:bb\"}",
                "{\"type\":\"hello\",\"protocolVersion\":1,\"fingerprint\":\"SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s\",\"extra\":1}",
                "{\"type\":\"hello\",\"protocolVersion\":1,\"fingerprint\":\"SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s\"} trailing",
                "{\"type\":\"hello\",\"type\":\"hello\",\"protocolVersion\":1}",
                "{\"type\":\"job_request\",\"targets\":[],\"slots\":1}",
                "{\"type\":\"job_request\",\"targets\":[\"x86_64-unknown-linux-gnu\"],\"slots\":0}",
                "{\"type\":\"job_request\",\"targets\":[\"../../etc\"],\"slots\":1}",
                "{\"type\":\"job_request\",\"targets\":[null],\"slots\":1}",
                "{\"type\":\"job_request\",\"targets\":\"x86_64-unknown-linux-gnu\",\"slots\":1}",
                "{\"type\":\"job_event\",\"jobId\":\"not-a-uuid\",\"attempt\":1,\"seq\":1,\"event\":{\"type\":\"heartbeat\"}}",
                "{\"type\":\"job_event\",\"jobId\":\"7d3c6a3e-6b8f-4f52-9d55-0c1b2a3d4e5f\",\"attempt\":1,\"seq\":0,\"event\":{\"type\":\"heartbeat\"}}",
                "{\"type\":\"job_event\",\"jobId\":\"7d3c6a3e-6b8f-4f52-9d55-0c1b2a3d4e5f\",\"attempt\":1,\"seq\":1,\"event\":{\"type\":\"explode\"}}",
                "{\"type\":\"job_event\",\"jobId\":\"7d3c6a3e-6b8f-4f52-9d55-0c1b2a3d4e5f\",\"attempt\":1,\"seq\":1}",
                "{\"type\":\"job_event\",\"jobId\":\"7d3c6a3e-6b8f-4f52-9d55-0c1b2a3d4e5f\",\"attempt\":1,\"seq\":99999999999999999999999,\"event\":{\"type\":\"heartbeat\"}}",
                "{\"type\":\"job_response\",\"jobId\":\"7d3c6a3e-6b8f-4f52-9d55-0c1b2a3d4e5f\",\"attempt\":1,\"result\":\"maybe\",\"artifacts\":[],\"statement\":\"s\",\"signature\":\"s\"}",
                "{\"type\":\"challenge_response\",\"challenge\":\"c2VjcmV0\",\"signature\":{}}",
                "{\"type\":\"challenge_response\",\"challenge\":[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]}"
            })
    void rejectsMalformedClientFramesWithATypedError(String frame) {
        assertThatThrownBy(() -> MessageCodec.decodeClientMessage(frame))
                .isInstanceOf(ProtocolDecodeException.class)
                .hasMessageNotContaining("Exception");
    }

    @Test
    void namesTheMissingField() {
        assertThatThrownBy(
                        () ->
                                MessageCodec.decodeClientMessage(
                                        "{\"type\":\"hello\",\"protocolVersion\":1}"))
                .isInstanceOf(ProtocolDecodeException.class)
                .hasMessage("missing field 'fingerprint'");
    }

    @Test
    void namesTheUnknownField() {
        assertThatThrownBy(
                        () ->
                                MessageCodec.decodeClientMessage(
                                        "{\"type\":\"job_request\",\"targets\":[\"x86_64-unknown-linux-gnu\"],\"slots\":1,\"priority\":9}"))
                .isInstanceOf(ProtocolDecodeException.class)
                .hasMessage("unknown field 'priority'");
    }

    @Test
    void namesTheMistypedField() {
        assertThatThrownBy(
                        () ->
                                MessageCodec.decodeClientMessage(
                                        "{\"type\":\"job_request\",\"targets\":[\"x86_64-unknown-linux-gnu\"],\"slots\":\"2\"}"))
                .isInstanceOf(ProtocolDecodeException.class)
                .hasMessage("field 'slots' has the wrong type (expected an integer)");
    }

    @Test
    void cutsAnOversizedLogLineWithAMarkerInsteadOfRefusingIt() throws Exception {
        String line = "x".repeat(TextLimits.MAX_LOG_LINE_BYTES + 1);

        JobEvent event = (JobEvent) MessageCodec.decodeClientMessage(logFrame(line));

        String kept = ((JobEventBody.Log) event.event()).line();
        assertThat(kept).endsWith(TextLimits.CUT_MARKER).startsWith("xxxx");
        assertThat(kept.getBytes(StandardCharsets.UTF_8)).hasSize(TextLimits.MAX_LOG_LINE_BYTES);
    }

    @Test
    void countsLogLinesInUtf8BytesNotUtf16Units() throws Exception {
        // 4,000 emoji: 8,000 UTF-16 units, 16,000 bytes: fits.
        String fits = "\uD83E\uDD80".repeat(4000);
        // 9,000 emoji: 36,000 bytes: cut on a code point boundary, never a closed connection.
        String tooLong = "\uD83E\uDD80".repeat(9000);

        JobEvent whole = (JobEvent) MessageCodec.decodeClientMessage(logFrame(fits));
        JobEvent cut = (JobEvent) MessageCodec.decodeClientMessage(logFrame(tooLong));

        assertThat(((JobEventBody.Log) whole.event()).line()).isEqualTo(fits);
        String kept = ((JobEventBody.Log) cut.event()).line();
        assertThat(kept).endsWith(TextLimits.CUT_MARKER);
        String body = kept.substring(0, kept.length() - TextLimits.CUT_MARKER.length());
        assertThat(body.codePoints()).allMatch(cp -> cp == 0x1F980);
        assertThat(kept.getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(TextLimits.MAX_LOG_LINE_BYTES);
    }

    @Test
    void countsTextLimitsInUtf8Bytes() {
        // agent is at most 128 bytes: 64 two-byte characters and one of three are 131 bytes,
        // in only 65 UTF-16 units.
        String agent = "\u00e9".repeat(64) + "\u20ac";

        assertThatThrownBy(
                        () ->
                                MessageCodec.decodeClientMessage(
                                        "{\"type\":\"hello\",\"protocolVersion\":1,\"fingerprint\":\""
                                                + Samples.FINGERPRINT
                                                + "\",\"agent\":\""
                                                + agent
                                                + "\"}"))
                .isInstanceOf(ProtocolDecodeException.class)
                .hasMessage("field 'agent' is longer than 128 bytes of UTF-8");
    }

    private static String logFrame(String line) {
        return "{\"type\":\"job_event\",\"jobId\":\""
                + Samples.JOB
                + "\",\"attempt\":1,\"seq\":1,"
                + "\"event\":{\"type\":\"log\",\"stream\":\"stdout\",\"line\":\""
                + line
                + "\"}}";
    }

    @Test
    void refusesAServerMessageAsAClientMessage() {
        String frame = MessageCodec.encode(new JobResponseAccepted(Samples.JOB, 1));

        assertThatThrownBy(() -> MessageCodec.decodeClientMessage(frame))
                .isInstanceOf(ProtocolDecodeException.class)
                .hasMessage("unknown message type 'job_response_accepted'");
    }

    /**
     * What a builder author reads in the close reason: the field, as a path, and what is wrong with
     * it, in the protocol's words.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{}|missing field 'type'",
                "{\"type\":null}|missing field 'type'",
                "[1,2,3]|expected a JSON object, got an array",
                "\"hello\"|expected a JSON object, got a string",
                "42|expected a JSON object, got a number",
                "true|expected a JSON object, got a boolean",
                "null|expected a JSON object, got null",
                "{\"type\":\"foo\"}|unknown message type 'foo'",
                "{\"type\":\"job_request\",\"targets\":[\"x86_64-unknown-linux-gnu\"],\"slots\":1.5}|field 'slots' has the wrong type (expected an integer)",
                "{\"type\":\"job_request\",\"targets\":\"x86_64-unknown-linux-gnu\",\"slots\":1}|field 'targets' has the wrong type (expected an array)",
                "{\"type\":\"job_request\",\"targets\":[1],\"slots\":1}|field 'targets[0]' has the wrong type (expected a string)",
                "{\"type\":\"hello\",\"protocolVersion\":true,\"fingerprint\":\"x\"}|field 'protocolVersion' has the wrong type (expected an integer)",
                "{\"type\":\"job_event\",\"jobId\":\"abc\",\"attempt\":1,\"seq\":1,\"event\":{\"type\":\"heartbeat\"}}|field 'jobId' is not a UUID",
                "{\"type\":\"job_event\",\"jobId\":\"7d3c6a3e-6b8f-4f52-9d55-0c1b2a3d4e5f\",\"attempt\":1,\"seq\":1,\"event\":{}}|missing field 'event.type'",
                "{\"type\":\"job_event\",\"jobId\":\"7d3c6a3e-6b8f-4f52-9d55-0c1b2a3d4e5f\",\"attempt\":1,\"seq\":1,\"event\":{\"type\":\"nope\"}}|field 'event' has an unknown type 'nope'",
                "{\"type\":\"job_event\",\"jobId\":\"7d3c6a3e-6b8f-4f52-9d55-0c1b2a3d4e5f\",\"attempt\":1,\"seq\":1,\"event\":{\"type\":\"log\",\"stream\":\"stdout\"}}|missing field 'event.line'",
                "{\"type\":\"job_event\",\"jobId\":\"7d3c6a3e-6b8f-4f52-9d55-0c1b2a3d4e5f\",\"attempt\":1,\"seq\":1,\"event\":{\"type\":\"log\",\"stream\":\"foo\",\"line\":\"x\"}}|field 'event.stream' is invalid: unknown log stream",
                "{\"type\":\"job_event\",\"jobId\":\"7d3c6a3e-6b8f-4f52-9d55-0c1b2a3d4e5f\",\"attempt\":1,\"seq\":1,\"event\":{\"type\":\"heartbeat\",\"extra\":1}}|unknown field 'event.extra'",
                "{\"type\":\"hello\",\"type\":\"hello\"}|duplicate field 'type'",
                "{\"type\":\"hello\",|malformed JSON: the document ends too early",
                "{\"type\" \"hello\"}|malformed JSON at character 9",
            })
    void describesWhatIsWrongPrecisely(String frame, String expected) {
        assertThatThrownBy(() -> MessageCodec.decodeClientMessage(frame))
                .isInstanceOf(ProtocolDecodeException.class)
                .hasMessage(expected);
    }

    @Test
    void quotesAnUnknownTypeOnlyBoundedAndSanitised() {
        String secretish = "ghp_" + "A".repeat(60) + "\"; DROP";
        String frame = "{\"type\":\"" + secretish.replace("\"", "\\\"") + "\"}";

        assertThatThrownBy(() -> MessageCodec.decodeClientMessage(frame))
                .isInstanceOf(ProtocolDecodeException.class)
                .hasMessage("unknown message type 'ghp_" + "A".repeat(28) + "…'");
        assertThatThrownBy(() -> MessageCodec.decodeClientMessage("{\"type\":\"a b<c>\"}"))
                .hasMessage("unknown message type 'a?b?c?'");
    }

    @Test
    void leavesOutAbsentLimitsSoThatAnAssignmentWithoutThemIsUnchanged() {
        assertThat(MessageCodec.encode(new Jobs(java.util.List.of(Samples.assignment()))))
                .doesNotContain("limits");
    }

    @Test
    void carriesOnlyTheLimitsThatAreSet() throws Exception {
        String frame =
                MessageCodec.encode(
                        new Jobs(
                                java.util.List.of(
                                        Samples.assignment()
                                                .withLimits(
                                                        new JobLimitsOverride(
                                                                null, null, null, null, null,
                                                                30L)))));

        assertThat(frame).contains("\"limits\":{\"noOutputSeconds\":30}");
        Jobs decoded = (Jobs) MessageCodec.decodeServerMessage(frame);
        assertThat(decoded.jobs().get(0).limits().noOutputSeconds()).isEqualTo(30L);
        assertThat(decoded.jobs().get(0).limits().memoryBytes()).isNull();
    }

    @Test
    void treatsAnEmptyLimitsObjectAsNone() throws Exception {
        String frame =
                MessageCodec.encode(new Jobs(java.util.List.of(Samples.assignment())))
                        .replace(
                                "\"timeoutSeconds\":3600", "\"timeoutSeconds\":3600,\"limits\":{}");

        Jobs decoded = (Jobs) MessageCodec.decodeServerMessage(frame);

        assertThat(decoded.jobs().get(0).limits()).isNull();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"memoryBytes\":0|field 'jobs[0].limits.memoryBytes' must be between 16777216 and 1099511627776",
                "\"cpuSeconds\":-1|field 'jobs[0].limits.cpuSeconds' must be between 1 and 604800",
                "\"processes\":0|field 'jobs[0].limits.processes' must be between 1 and 65536",
                "\"logBytes\":10|field 'jobs[0].limits.logBytes' must be between 1024 and 1073741824",
                "\"noOutputSeconds\":1.5|field 'jobs[0].limits.noOutputSeconds' has the wrong type (expected an integer)",
                "\"swapBytes\":1|unknown field 'jobs[0].limits.swapBytes'",
            })
    void refusesLimitsOutOfBounds(String limit, String expected) {
        String frame =
                MessageCodec.encode(new Jobs(java.util.List.of(Samples.assignment())))
                        .replace(
                                "\"timeoutSeconds\":3600",
                                "\"timeoutSeconds\":3600,\"limits\":{" + limit + "}");

        assertThatThrownBy(() -> MessageCodec.decodeServerMessage(frame))
                .isInstanceOf(ProtocolDecodeException.class)
                .hasMessage(expected);
    }
}
