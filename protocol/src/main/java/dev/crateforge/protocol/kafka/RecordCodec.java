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
        return ProtocolJson.decode(value, type);
    }
}
