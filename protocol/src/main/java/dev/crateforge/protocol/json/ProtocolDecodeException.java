package dev.crateforge.protocol.json;

/**
 * A message or record that cannot be decoded: not JSON, an unknown type, a missing, mistyped or
 * oversized field. The message says which, and is safe to send back to the peer (it never quotes
 * the offending value).
 */
public final class ProtocolDecodeException extends Exception {

    public ProtocolDecodeException(String message) {
        super(message);
    }

    public ProtocolDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
