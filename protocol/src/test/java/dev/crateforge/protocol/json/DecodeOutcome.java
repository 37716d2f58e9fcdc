package dev.crateforge.protocol.json;

/**
 * What a decoder made of a document, as one comparable value: the decoded value, or the refusal's
 * words. Lets a test of a fast path say "the same answer as the general decoder" in one assertion.
 */
public final class DecodeOutcome {

    /** A decoding that may refuse. */
    public interface Decode {
        Object run() throws ProtocolDecodeException;
    }

    private DecodeOutcome() {}

    /** The decoded value, or {@code "refused: "} and the refusal's message. */
    public static Object of(Decode decode) {
        try {
            return decode.run();
        } catch (ProtocolDecodeException e) {
            return "refused: " + e.getMessage();
        }
    }
}
