package dev.crateforge.gateway.messaging;

import dev.crateforge.protocol.kafka.RecordCodec;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes record values with the protocol library's strict JSON, so every service reads the same
 * bytes.
 */
public class RecordSerializer implements Serializer<Object> {

    @Override
    public byte[] serialize(String topic, Object data) {
        return data == null ? null : RecordCodec.encode(data);
    }
}
