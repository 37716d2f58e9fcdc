package dev.crateforge.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.protocol.json.DecodeOutcome;
import dev.crateforge.protocol.json.ProtocolJson;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The handshake's fast paths of {@link MessageCodec} must be invisible: every frame decodes to the
 * same message, or is refused with the same message, as through the general strict decoder, and the
 * two server frames are written exactly as the general encoder writes them.
 */
class HandshakeCodecTests {

    private static final String FINGERPRINT = Samples.FINGERPRINT;
    private static final String HELLO =
            "{\"type\":\"hello\",\"protocolVersion\":1,\"fingerprint\":\"" + FINGERPRINT + "\"}";
    private static final String RESPONSE =
            "{\"type\":\"challenge_response\",\"challenge\":\"Y2hhbGxlbmdl\","
                    + "\"signature\":\"-----BEGIN SSH SIGNATURE-----\\nU1NIU0lH\\n"
                    + "-----END SSH SIGNATURE-----\\n\"}";

    static Stream<String> frames() {
        return Stream.of(
                // Taken by the fast path.
                HELLO,
                HELLO.replace("}", ",\"agent\":\"crateforge-builder/1.0 sandbox=bwrap\"}"),
                "{\"fingerprint\":\""
                        + FINGERPRINT
                        + "\",\"protocolVersion\":1,\"type\":\"hello\"}",
                HELLO.replace("}", ",\"agent\":\"\"}"),
                HELLO.replace("}", ",\"agent\":\"caf\\u00e9 ✓\"}"),
                RESPONSE,
                "{\"signature\":\"s\",\"challenge\":\"c\",\"type\":\"challenge_response\"}",
                // Refused, or left to the general decoder, for each reason it has.
                HELLO.replace("\"protocolVersion\":1", "\"protocolVersion\":2"),
                HELLO.replace("\"protocolVersion\":1", "\"protocolVersion\":0"),
                HELLO.replace("\"protocolVersion\":1", "\"protocolVersion\":1.0"),
                HELLO.replace("\"protocolVersion\":1", "\"protocolVersion\":\"1\""),
                HELLO.replace("\"protocolVersion\":1", "\"protocolVersion\":null"),
                HELLO.replace("\"protocolVersion\":1", "\"protocolVersion\":99999999999"),
                HELLO.replace("\"protocolVersion\":1", "\"protocolVersion\":01"),
                HELLO.replace("\"protocolVersion\":1,", ""),
                HELLO.replace(FINGERPRINT, "SHA256:short"),
                HELLO.replace(FINGERPRINT, "MD5:" + FINGERPRINT.substring(7)),
                HELLO.replace("\"" + FINGERPRINT + "\"", "null"),
                HELLO.replace("\"" + FINGERPRINT + "\"", "[\"" + FINGERPRINT + "\"]"),
                HELLO.replace("\"" + FINGERPRINT + "\"", "{\"a\":1}"),
                HELLO.replace("}", ",\"agent\":\"" + "a".repeat(129) + "\"}"),
                HELLO.replace("}", ",\"agent\":null}"),
                HELLO.replace("}", ",\"agent\":7}"),
                HELLO.replace("}", ",\"extra\":true}"),
                HELLO.replace("}", ",\"challenge\":\"c\"}"),
                HELLO.replace("}", ",\"protocolVersion\":1}"),
                HELLO.replace("}", ",\"type\":\"hello\"}"),
                HELLO.replace("}", ",\"type\":\"challenge_response\"}"),
                HELLO.replace("\"type\":\"hello\",", ""),
                HELLO.replace("\"hello\"", "\"Hello\""),
                HELLO.replace("\"hello\"", "\"helo\""),
                HELLO.replace("\"hello\"", "null"),
                HELLO.replace("\"hello\"", "1"),
                HELLO + " {}",
                HELLO + "x",
                HELLO.substring(0, HELLO.length() - 1),
                "[" + HELLO + "]",
                HELLO.replace("{", "{/* c */"),
                RESPONSE.replace("\"Y2hhbGxlbmdl\"", "\"   \""),
                RESPONSE.replace("\"Y2hhbGxlbmdl\"", "\"" + "c".repeat(257) + "\""),
                RESPONSE.replace("\"Y2hhbGxlbmdl\"", "null"),
                RESPONSE.replace("\"challenge\":\"Y2hhbGxlbmdl\",", ""),
                RESPONSE.replace("}", ",\"signature\":\"again\"}"),
                RESPONSE.replace("}", ",\"fingerprint\":\"" + FINGERPRINT + "\"}"),
                RESPONSE.replace("}", ",\"agent\":\"a\"}"),
                RESPONSE.replace("}", ",\"unknown\":{\"deep\":[1,2,3]}}"),
                "{\"type\":\"challenge_response\",\"challenge\":\"c\",\"signature\":\""
                        + "s".repeat(8193)
                        + "\"}",
                "{\"type\":\"job_request\",\"targets\":[\"x86_64-unknown-linux-gnu\"],\"slots\":1}",
                "{\"type\":\"job_event\"}",
                "{}",
                "[]",
                "\"hello\"",
                "null",
                "",
                " ");
    }

    @ParameterizedTest
    @MethodSource("frames")
    void decodesExactlyAsTheGeneralDecoder(String frame) {
        Object general = DecodeOutcome.of(() -> ProtocolJson.decode(frame, ClientMessage.class));

        assertThat(DecodeOutcome.of(() -> MessageCodec.decodeHandshakeMessage(frame)))
                .isEqualTo(general);
    }

    @Test
    void readsTheUsualHandshakeWithoutTheGeneralDecoder() {
        assertThat(HandshakeReader.read(HELLO)).isEqualTo(new Hello(1, FINGERPRINT, null));
        assertThat(HandshakeReader.read(RESPONSE))
                .isEqualTo(
                        new ChallengeResponse(
                                "Y2hhbGxlbmdl",
                                "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n"
                                        + "-----END SSH SIGNATURE-----\n"));
    }

    @Test
    void leavesDuplicateFieldsToTheGeneralDecoderWhichNamesThem() {
        String duplicated = HELLO.replace("}", ",\"fingerprint\":\"" + FINGERPRINT + "\"}");

        assertThat(HandshakeReader.read(duplicated)).isNull();
        assertThat(DecodeOutcome.of(() -> MessageCodec.decodeHandshakeMessage(duplicated)))
                .isEqualTo("refused: duplicate field 'fingerprint'");
    }

    @Test
    void refusesADocumentAboveTheCodecLimitAsBefore() {
        String huge =
                RESPONSE.replace("Y2hhbGxlbmdl", "c".repeat(ProtocolJson.MAX_DOCUMENT_BYTES + 1));

        assertThat(DecodeOutcome.of(() -> MessageCodec.decodeHandshakeMessage(huge)))
                .isEqualTo(DecodeOutcome.of(() -> ProtocolJson.decode(huge, ClientMessage.class)))
                .asString()
                .startsWith("refused: document larger than");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "builder-01",
                "quote \" and backslash \\ and slash /",
                "tab\tnewline\ncontrol\u0001\u001f del\u007f",
                "café ✓ 😀 \u2028\u2029",
                "<script>&amp;'"
            })
    void writesTheHandshakeFramesAsTheGeneralEncoder(String text) throws Exception {
        ServerMessage authenticated = new Authenticated(UUID.randomUUID(), text, 16 * 1024 * 1024);
        ServerMessage challenge = new ChallengeRequest(text, text + "=", "crateforge-" + text, 30);

        for (ServerMessage message : new ServerMessage[] {authenticated, challenge}) {
            String frame = MessageCodec.encode(message);
            assertThat(frame).isEqualTo(ProtocolJson.encode(message));
            assertThat(MessageCodec.decodeServerMessage(frame)).isEqualTo(message);
        }
    }
}
