package dev.crateforge.gateway.support;

import static org.awaitility.Awaitility.await;

import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
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
import org.eclipse.microprofile.config.ConfigProvider;

/** Plain Kafka clients on the test run's topics, to see what the gateway wrote and to feed it. */
public final class KafkaProbe {

    /** A record as read back: key and decoded value. */
    public record Received<T>(String key, T value) {}

    private KafkaProbe() {}

    public static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    public static String topic(String name) {
        return Topics.prefixed(
                ConfigProvider.getConfig()
                        .getOptionalValue("crateforge.kafka.topic-prefix", String.class)
                        .orElse(""),
                name);
    }

    /** Reads {@code topic} from the start until a record of {@code type} matches. */
    public static <T> Received<T> awaitRecord(
            String topic, Class<T> type, Predicate<Received<T>> matching) {
        return awaitRecord(topic, type, matching, Duration.ofSeconds(30));
    }

    /** As {@link #awaitRecord(String, Class, Predicate)}, waiting up to {@code within}. */
    public static <T> Received<T> awaitRecord(
            String topic, Class<T> type, Predicate<Received<T>> matching, Duration within) {
        return awaitRecords(topic, type, matching, 1, within).get(0);
    }

    public static <T> List<Received<T>> awaitRecords(
            String topic, Class<T> type, Predicate<Received<T>> matching, int count) {
        return awaitRecords(topic, type, matching, count, Duration.ofSeconds(30));
    }

    private static <T> List<Received<T>> awaitRecords(
            String topic,
            Class<T> type,
            Predicate<Received<T>> matching,
            int count,
            Duration within) {
        List<Received<T>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(topic(topic)));
            await().atMost(within)
                    .until(
                            () -> {
                                for (ConsumerRecord<String, byte[]> r :
                                        consumer.poll(Duration.ofMillis(200))) {
                                    Received<T> received;
                                    try {
                                        received =
                                                new Received<>(
                                                        r.key(),
                                                        RecordCodec.decode(r.value(), type));
                                    } catch (Exception e) {
                                        continue;
                                    }
                                    if (matching.test(received)) {
                                        found.add(received);
                                    }
                                }
                                return found.size() >= count;
                            });
        }
        return found;
    }

    /** Reads {@code topic} from the start until a record whose UTF-8 value matches. */
    public static Received<String> awaitRawRecord(
            String topic, Predicate<Received<String>> matching) {
        List<Received<String>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(topic(topic)));
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> {
                                for (ConsumerRecord<String, byte[]> r :
                                        consumer.poll(Duration.ofMillis(200))) {
                                    Received<String> received =
                                            new Received<>(
                                                    r.key(),
                                                    new String(
                                                            r.value(),
                                                            java.nio.charset.StandardCharsets
                                                                    .UTF_8));
                                    if (matching.test(received)) {
                                        found.add(received);
                                    }
                                }
                                return !found.isEmpty();
                            });
        }
        return found.get(0);
    }

    /** Every record of {@code type} matching, read from the start for {@code window}. */
    public static <T> List<Received<T>> recordsWithin(
            String topic, Class<T> type, Predicate<Received<T>> matching, Duration window) {
        List<Received<T>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(topic(topic)));
            long end = System.nanoTime() + window.toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        Received<T> received =
                                new Received<>(r.key(), RecordCodec.decode(r.value(), type));
                        if (matching.test(received)) {
                            found.add(received);
                        }
                    } catch (Exception e) {
                        // another record type on the same topic
                    }
                }
            }
        }
        return found;
    }

    public static void produce(String topic, String key, Object value) {
        produceRaw(topic, key, RecordCodec.encode(value));
    }

    public static void produceRaw(String topic, String key, byte[] value) {
        Properties p = new Properties();
        p.putAll(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                                StringSerializer.class.getName(),
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                                ByteArraySerializer.class.getName()));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic(topic), key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        Properties p = new Properties();
        p.putAll(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "probe-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        "false",
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                        StringDeserializer.class.getName(),
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                        ByteArrayDeserializer.class.getName()));
        return new KafkaConsumer<>(p);
    }
}
