package dev.crateforge.protocol.kafka;

import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.json.ProtocolJson;

/**
 * Kafka record values as UTF-8 JSON, with the same strict rules as the builder messages. Services
 * wrap this in their Kafka serializer; the library itself does not depend on Kafka.
 */
public final class RecordCodec {

    private RecordCodec() {}

    public static byte[] encode(Object record) {
        return ProtocolJson.encodeBytes(record);
    }

    public static <T> T decode(byte[] value, Class<T> type) throws ProtocolDecodeException {
        // Log lines are nearly every record of job-events: read those without the general binder.
        if ((type == JobActivity.class || type == JobActivity.EventReported.class)
                && value != null
                && value.length <= ProtocolJson.MAX_DOCUMENT_BYTES) {
            JobActivity.EventReported event = LogEventReader.read(value);
            if (event != null) {
                return type.cast(event);
            }
        }
        return ProtocolJson.decode(value, type);
    }
}
