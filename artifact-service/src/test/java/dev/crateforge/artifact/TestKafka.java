package dev.crateforge.artifact;

import dev.crateforge.localstack.isolation.RecordBursts;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Plays the scheduler's side of Kafka in tests: publishes records to the real topics of this test
 * run (under its prefix) and reads what the service published.
 */
public final class TestKafka {

    private TestKafka() {}

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    /** The topic name of this test run. */
    static String topic(String topic) {
        return Topics.prefixed(
                ConfigProvider.getConfig()
                        .getOptionalValue("crateforge.kafka.topic-prefix", String.class)
                        .orElse(""),
                topic);
    }

    /** Publishes a protocol record keyed by {@code key} and waits for the broker's ack. */
    public static void publish(String topic, String key, Object record) {
        publishRaw(topic, key, RecordCodec.encode(record));
    }

    /** Publishes a protocol record with the given record timestamp and waits for the ack. */
    public static void publishAt(String topic, String key, Object record, Instant timestamp) {
        send(
                new ProducerRecord<>(
                        topic(topic),
                        null,
                        timestamp.toEpochMilli(),
                        key,
                        RecordCodec.encode(record)));
    }

    /** Publishes raw bytes (for poison-record tests). */
    public static void publishRaw(String topic, String key, byte[] value) {
        send(new ProducerRecord<>(topic(topic), key, value));
    }

    /**
     * Publishes raw values back to back, then waits for every ack: they reach the broker together,
     * so a consumer usually polls them together.
     */
    public static void publishAllRaw(String topic, List<Map.Entry<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            RecordBursts.send(producer, topic(topic), records);
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("acks", "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(ProducerRecord<String, byte[]> record) {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + record.topic(), e);
        }
    }

    /** A consumer of a topic of this run, reading from the beginning. */
    public static KafkaConsumer<String, byte[]> consumer(String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("group.id", "test-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic(topic)));
        return consumer;
    }

    /** The number of partitions of a topic of this run. */
    public static int partitions(String topic) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(topic)) {
            return consumer.partitionsFor(topic(topic)).size();
        }
    }

    /** The records a consumer got in one short poll. */
    public static List<ConsumerRecord<String, byte[]>> poll(
            KafkaConsumer<String, byte[]> consumer) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        return records;
    }
}
