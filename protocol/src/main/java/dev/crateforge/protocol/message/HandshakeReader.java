package dev.crateforge.protocol.message;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.crateforge.protocol.json.ProtocolJson;

/**
 * Reads the two messages of every handshake, {@link Hello} and {@link ChallengeResponse}, straight
 * off the token stream. The general decoder buffers the document to find the {@code type} id and
 * binds the record through reflection: about 5 % of the gateway's own work per handshake in an idle
 * profile, for two flat objects of at most four string or integer fields.
 *
 * <p>The contract is the one of {@code LogEventReader}: anything this reader does not fully
 * understand (another type, a missing, unknown, repeated, null or differently typed field, a nested
 * value, trailing content, a value the record's constructor refuses) makes it answer {@code null},
 * and the caller decodes with the strict general decoder, which then accepts or refuses the frame
 * exactly as before, with its own error message. So a frame is refused if and only if it was
 * refused before, and always with the same words.
 */
final class HandshakeReader {

    /** Repeated fields are caught below, not by the parser: see the factory. */
    private static final JsonFactory FACTORY = ProtocolJson.tokenReaderFactory();

    private static final int TYPE = 1;
    private static final int PROTOCOL_VERSION = 2;
    private static final int FINGERPRINT = 4;
    private static final int AGENT = 8;
    private static final int CHALLENGE = 16;
    private static final int SIGNATURE = 32;

    private static final int HELLO_FIELDS = TYPE | PROTOCOL_VERSION | FINGERPRINT | AGENT;
    private static final int RESPONSE_FIELDS = TYPE | CHALLENGE | SIGNATURE;

    private HandshakeReader() {}

    /**
     * The {@code hello} or {@code challenge_response} in {@code frame}, or {@code null} when it is
     * anything else or anything unusual.
     */
    static ClientMessage read(String frame) {
        try (JsonParser parser = FACTORY.createParser(frame)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String type = null;
            Integer protocolVersion = null;
            String fingerprint = null;
            String agent = null;
            String challenge = null;
            String signature = null;
            int seen = 0;
            for (JsonToken token = parser.nextToken();
                    token != JsonToken.END_OBJECT;
                    token = parser.nextToken()) {
                int field = field(parser.currentName());
                if (field == 0 || (seen & field) != 0) {
                    return null; // unknown or repeated: the general decoder says which
                }
                seen |= field;
                JsonToken value = parser.nextToken();
                if (field == PROTOCOL_VERSION) {
                    if (value != JsonToken.VALUE_NUMBER_INT
                            || parser.getNumberType() != JsonParser.NumberType.INT) {
                        return null;
                    }
                    protocolVersion = parser.getIntValue();
                    continue;
                }
                if (value != JsonToken.VALUE_STRING) {
                    return null; // null, a number, an object...: the general decoder's to judge
                }
                String text = parser.getText();
                switch (field) {
                    case TYPE -> type = text;
                    case FINGERPRINT -> fingerprint = text;
                    case AGENT -> agent = text;
                    case CHALLENGE -> challenge = text;
                    default -> signature = text;
                }
            }
            if (parser.nextToken() != null || type == null) {
                return null;
            }
            // The records' constructors check every value, as they do behind the general decoder;
            // a refusal throws and sends the frame there, for its message.
            if (type.equals("hello") && (seen & ~HELLO_FIELDS) == 0) {
                return new Hello(protocolVersion, fingerprint, agent);
            }
            if (type.equals("challenge_response") && (seen & ~RESPONSE_FIELDS) == 0) {
                return new ChallengeResponse(challenge, signature);
            }
            return null;
        } catch (Exception e) {
            // Whatever went wrong, the general decoder says what it is (or that it is fine).
            return null;
        }
    }

    /** A bit per field of the two messages, {@code 0} for any other name. */
    private static int field(String name) {
        return switch (name) {
            case "type" -> TYPE;
            case "protocolVersion" -> PROTOCOL_VERSION;
            case "fingerprint" -> FINGERPRINT;
            case "agent" -> AGENT;
            case "challenge" -> CHALLENGE;
            case "signature" -> SIGNATURE;
            default -> 0;
        };
    }
}
