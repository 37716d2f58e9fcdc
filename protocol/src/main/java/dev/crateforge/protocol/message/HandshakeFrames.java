package dev.crateforge.protocol.message;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * Writes the two frames the gateway sends in every handshake, {@link ChallengeRequest} and {@link
 * Authenticated}, from fixed text with the values put in: the same text the general encoder writes
 * (same field order, same escaping, checked by the tests), without its serializer lookups and type
 * id handling, which were a visible part of each handshake.
 */
final class HandshakeFrames {

    private static final String CHALLENGE_REQUEST =
            "{\"type\":\"challenge_request\",\"connectionId\":";
    private static final String AUTHENTICATED = "{\"type\":\"authenticated\",\"builderId\":\"";

    private HandshakeFrames() {}

    static String challengeRequest(ChallengeRequest message) {
        StringBuilder json =
                new StringBuilder(
                        128
                                + message.connectionId().length()
                                + message.challenge().length()
                                + message.namespace().length());
        json.append(CHALLENGE_REQUEST);
        quoted(json, message.connectionId()).append(",\"challenge\":");
        quoted(json, message.challenge()).append(",\"namespace\":");
        quoted(json, message.namespace()).append(",\"expiresInSeconds\":");
        return json.append(message.expiresInSeconds().intValue()).append('}').toString();
    }

    static String authenticated(Authenticated message) {
        StringBuilder json = new StringBuilder(128 + message.builderName().length());
        json.append(AUTHENTICATED).append(message.builderId()).append("\",\"builderName\":");
        quoted(json, message.builderName()).append(",\"maxMessageBytes\":");
        return json.append(message.maxMessageBytes().intValue()).append('}').toString();
    }

    /** {@code text} as a JSON string, escaped exactly as Jackson's generator escapes it. */
    private static StringBuilder quoted(StringBuilder json, String text) {
        json.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, json);
        return json.append('"');
    }
}
