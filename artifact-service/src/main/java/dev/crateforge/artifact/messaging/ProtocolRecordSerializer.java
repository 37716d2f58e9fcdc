package dev.crateforge.artifact.messaging;

import dev.crateforge.protocol.kafka.RecordCodec;
import org.apache.kafka.common.serialization.Serializer;

/** Writes protocol records with the protocol's own JSON rules, so every service agrees on them. */
public class ProtocolRecordSerializer implements Serializer<Object> {

    @Override
    public byte[] serialize(String topic, Object data) {
        return data == null ? null : RecordCodec.encode(data);
    }
}
