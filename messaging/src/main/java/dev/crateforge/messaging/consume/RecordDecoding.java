package dev.crateforge.messaging.consume;

import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.kafka.RecordCodec;
import io.quarkus.logging.Log;

/**
 * Decodes an incoming record value with the protocol's strict codec. A value that does not decode
 * is a poison record: it is logged and rethrown, which nacks it into the channel's dead-letter
 * topic instead of stopping the consumer.
 */
public final class RecordDecoding {

    private RecordDecoding() {}

    /** The decoded value; {@link PoisonRecordException} when it is absent or does not decode. */
    public static <T> T decode(byte[] value, Class<T> type, String channel) {
        if (value == null) {
            throw new PoisonRecordException(channel + ": record without a value");
        }
        try {
            return RecordCodec.decode(value, type);
        } catch (ProtocolDecodeException e) {
            Log.warnf(
                    "Dead-lettering a %s record that does not decode: %s", channel, e.getMessage());
            throw new PoisonRecordException(channel + ": " + e.getMessage());
        }
    }

    /** Raised for a record that can never be processed. */
    public static final class PoisonRecordException extends RuntimeException {
        PoisonRecordException(String message) {
            super(message, null, false, false);
        }
    }
}
