package dev.crateforge.scheduler.support;

import dev.crateforge.localstack.isolation.RecordBursts;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/**
 * Plays the other services on the real broker: produces what the gateway and artifact service
 * would, and reads what the scheduler publishes, decoded with the protocol codec.
 */
public final class TestKafka implements AutoCloseable {

    private final String bootstrap;
    private final String prefix;
    private final KafkaProducer<String, byte[]> producer;

    public TestKafka(String bootstrap, String prefix) {
        this.bootstrap = bootstrap;
        this.prefix = prefix;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
    }

    public String topic(String topic) {
        return Topics.prefixed(prefix, topic);
    }

    /** Sends a protocol record and waits for the broker's acknowledgement. */
    public void send(String topic, String key, Object record) {
        sendRaw(topic, key, RecordCodec.encode(record));
    }

    public void sendRaw(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic(topic), key, value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends raw values without waiting between them, then waits for all: they reach the broker back
     * to back, so a consumer polls them together.
     */
    public void sendAllRaw(String topic, List<Map.Entry<String, byte[]>> records) {
        RecordBursts.send(producer, topic(topic), records);
    }

    /** Reads a topic from its beginning. */
    public <T> Reader<T> reader(String topic, Class<T> type) {
        return new Reader<>(topic(topic), type);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** A consumer of one topic from the beginning, collecting decoded values with their keys. */
    public final class Reader<T> implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final Class<T> type;
        private final List<Map.Entry<String, T>> seen = new ArrayList<>();

        Reader(String topic, Class<T> type) {
            this.type = type;
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
            consumer.subscribe(List.of(topic));
        }

        /** Polls until {@code done} holds for everything read so far (or times out). */
        public List<Map.Entry<String, T>> until(
                Duration timeout, Predicate<List<Map.Entry<String, T>>> done) {
            Awaitility.await()
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(1))
                    .until(
                            () -> {
                                poll();
                                return done.test(seen);
                            });
            return List.copyOf(seen);
        }

        /** Everything read so far plus whatever arrives within {@code wait}. */
        public List<Map.Entry<String, T>> drain(Duration wait) {
            long end = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < end) {
                poll();
            }
            return List.copyOf(seen);
        }

        public List<T> values() {
            return seen.stream().map(Map.Entry::getValue).toList();
        }

        private void poll() {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                try {
                    T value =
                            type == byte[].class
                                    ? type.cast(record.value())
                                    : RecordCodec.decode(record.value(), type);
                    seen.add(Map.entry(record.key() == null ? "" : record.key(), value));
                } catch (Exception e) {
                    throw new IllegalStateException("undecodable record on " + record.topic(), e);
                }
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
