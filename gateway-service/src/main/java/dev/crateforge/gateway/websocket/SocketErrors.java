package dev.crateforge.gateway.websocket;

import dev.crateforge.protocol.contract.SocketError;
import dev.crateforge.protocol.contract.TextLimits;
import dev.crateforge.protocol.message.ErrorMessage;
import java.util.UUID;

/** The one way the gateway writes an {@code error} message: a contract code and a bounded text. */
public final class SocketErrors {

    /** The {@code message} field's limit in UTF-8 bytes. */
    static final int MAX_MESSAGE_BYTES = 1024;

    private SocketErrors() {}

    /** An {@code error} of {@code code}, its text cut to the field's limit on a code point. */
    public static ErrorMessage of(SocketError code, String message, UUID jobId) {
        return new ErrorMessage(
                code.wireName(), TextLimits.cutUtf8(message, MAX_MESSAGE_BYTES), jobId);
    }
}
