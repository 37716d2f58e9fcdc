package dev.crateforge.localstack.isolation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends records back to back and only then waits for the broker's acks, so that they reach the
 * broker together and a consumer polls them together: how tests put several records in one batch of
 * a {@code batch=true} channel.
 */
public final class RecordBursts {

    private RecordBursts() {}

    /** Sends {@code records} (key, value) to {@code topic} in their order and waits for all. */
    public static void send(
            Producer<String, byte[]> producer,
            String topic,
            List<Map.Entry<String, byte[]>> records) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Map.Entry<String, byte[]> record : records) {
            sent.add(
                    producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue())));
        }
        producer.flush();
        try {
            for (Future<RecordMetadata> each : sent) {
                each.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish to " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic, e);
        }
    }
}
