package dev.crateforge.messaging.serde;

import dev.crateforge.protocol.kafka.RecordCodec;
import org.apache.kafka.common.serialization.Serializer;

/** Writes protocol records with the protocol's own strict JSON codec. */
public class ProtocolRecordSerializer implements Serializer<Object> {

    @Override
    public byte[] serialize(String topic, Object value) {
        return value == null ? null : RecordCodec.encode(value);
    }
}
