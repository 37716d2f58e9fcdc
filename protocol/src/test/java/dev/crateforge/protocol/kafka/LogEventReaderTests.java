package dev.crateforge.protocol.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.protocol.json.DecodeOutcome;
import dev.crateforge.protocol.json.ProtocolJson;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.LogStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The log-line fast path of {@link RecordCodec} must be invisible: every document decodes to the
 * same value, or is refused with the same message, as through the general strict decoder.
 */
class LogEventReaderTests {

    private static final String JOB = "0b6c1d0e-8a57-4d4b-9f0e-2f5a7c3e9d11";
    private static final String BUILDER = "5e2d8f61-3c4b-4a9e-8d7f-1a2b3c4d5e6f";

    /** A log event record as the gateway writes it, with the given fields and extra text. */
    private static String doc(String attempt, String seq, String event, String extra) {
        return String.format(
                "{\"type\":\"event\",\"jobId\":\"%s\",\"attempt\":%s,\"builderId\":\"%s\",\"seq\":%s,"
                        + "\"event\":%s,\"receivedAt\":\"2026-12-06T20:00:00.123456Z\"%s}",
                JOB, attempt, BUILDER, seq, event, extra);
    }

    private static final String LOG =
            "{\"type\":\"log\",\"stream\":\"stdout\",\"line\":\"hi \\u00e9\"}";

    /** Timestamps the fast path reads by position, hands to Instant.parse, or refuses. */
    private static final String[] RECEIVED_AT = {
        "yesterday",
        "2026-12-06T20:00:00Z",
        "2026-12-06T20:00:00.1Z",
        "2026-12-06T20:00:00.123456789Z",
        "2026-12-06T20:00:00.1234567891Z",
        "2026-12-06T20:00:00.Z",
        "2024-02-29T23:59:59.5Z",
        "2026-02-29T00:00:00Z",
        "2026-12-06T24:00:00Z",
        "2026-12-06T23:59:60Z",
        "2026-13-06T20:00:00Z",
        "2026-12-06T20:00:00+01:00",
        "2026-12-06t20:00:00Z",
        "2026-12-06T20:00:00.12a4Z",
        "+2026-12-06T20:00:00Z",
        "0000-01-01T00:00:00Z",
        "2026-12-06 20:00:00Z",
        "2026-12-06T20:00:0-Z",
    };

    /** Event bodies: a log line of the builder stream, and shapes left to the general decoder. */
    private static final String[] BODIES = {
        "{\"type\":\"log\",\"stream\":\"builder\",\"line\":\"\"}",
        "{\"type\":\"stage\",\"stage\":\"building\"}",
        "{\"type\":\"heartbeat\"}",
        "{\"type\":\"log\",\"line\":\"x\",\"stream\":\"stdout\",\"line\":\"y\"}",
        "[\"log\"]",
        "{\"type\":{\"a\":1},\"stream\":\"stdout\",\"line\":\"x\"}",
        "{\"type\":\"log\",\"stream\":\"stdout\",\"line\":\"x\",\"x\":1}",
        "{\"type\":\"log\",\"stream\":\"STDOUT\",\"line\":\"x\"}",
        "{\"type\":\"log\",\"stream\":\"stdout\"}",
        "{\"type\":\"log\",\"stream\":\"stdout\",\"line\":null}",
        "{\"type\":\"log\",\"stream\":\"stdout\",\"line\":5}",
    };

    static Stream<String> documents() {
        return Stream.concat(
                Stream.of(BODIES).map(body -> doc("1", "1", body, "")),
                Stream.concat(
                        Stream.of(RECEIVED_AT)
                                .map(
                                        at ->
                                                doc("1", "1", LOG, "")
                                                        .replace(
                                                                "2026-12-06T20:00:00.123456Z", at)),
                        Stream.of(
                                // Taken by the fast path.
                                doc("1", "1", LOG, ""),
                                doc("1000", "9223372036854775807", LOG, ""),
                                "{\"receivedAt\":\"2026-12-06T20:00:00Z\",\"event\":{\"line\":\"x\",\"stream\":\"stderr\",\"type\":\"log\"},\"seq\":7,\"builderId\":\""
                                        + BUILDER
                                        + "\",\"attempt\":2,\"jobId\":\""
                                        + JOB.toUpperCase()
                                        + "\",\"type\":\"event\"}",
                                doc("1", "1", LOG, ",\"extra\":1"),
                                doc("1", "1", LOG, ",\"seq\":2"),
                                doc("1", "1", LOG, ",\"type\":\"event\""),
                                doc("1.0", "1", LOG, ""),
                                doc("\"1\"", "1", LOG, ""),
                                doc("0", "1", LOG, ""),
                                doc("1001", "1", LOG, ""),
                                doc("1", "0", LOG, ""),
                                doc("1", "null", LOG, ""),
                                doc("1", "92233720368547758070", LOG, ""),
                                doc("1", "1", LOG, "")
                                        .replace(JOB, "+b6c1d0e-8a57-4d4b-9f0e-2f5a7c3e9d11"),
                                doc("1", "1", LOG, "")
                                        .replace(JOB, "0b6c1d0e8-a57-4d4b-9f0e-2f5a7c3e9d11"),
                                doc("1", "1", LOG, "")
                                        .replace(JOB, "0b6c1d0e-8a57-4d4b-9f0e-2f5a7c3e9d1g"),
                                doc("1", "1", LOG, "").replace("\"type\":\"event\",", ""),
                                doc("1", "1", LOG, "") + " {}",
                                doc("1", "1", LOG, "") + "x",
                                "[" + doc("1", "1", LOG, "") + "]",
                                "{}",
                                "null")));
    }

    @ParameterizedTest
    @MethodSource("documents")
    void decodesExactlyAsTheGeneralDecoder(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Object general = DecodeOutcome.of(() -> ProtocolJson.decode(bytes, JobActivity.class));
        Object fast = DecodeOutcome.of(() -> RecordCodec.decode(bytes, JobActivity.class));
        assertThat(fast).isEqualTo(general);
        Object fastEvent =
                DecodeOutcome.of(() -> RecordCodec.decode(bytes, JobActivity.EventReported.class));
        Object generalEvent =
                DecodeOutcome.of(() -> ProtocolJson.decode(bytes, JobActivity.EventReported.class));
        assertThat(fastEvent).isEqualTo(generalEvent);
    }

    @Test
    void readsWhatTheGatewayWritesWithoutTheGeneralDecoder() {
        JobActivity.EventReported event =
                new JobActivity.EventReported(
                        UUID.fromString(JOB),
                        3,
                        UUID.fromString(BUILDER),
                        42L,
                        new JobEventBody.Log(LogStream.STDERR, "error[E0308]: \"mismatched\" ✗"),
                        Instant.parse("2026-12-06T20:00:00.123456789Z"));
        assertThat(LogEventReader.read(RecordCodec.encode(event))).isEqualTo(event);
    }
}
