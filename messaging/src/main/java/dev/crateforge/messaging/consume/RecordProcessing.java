package dev.crateforge.messaging.consume;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What happens to an incoming record, decided once for every channel of every service: a record
 * that can never be processed (it does not decode, or the code rejects it) is nacked into the
 * channel's dead-letter topic; a record whose processing failed because the database or the broker
 * is down is retried with a doubling pause until it succeeds ({@link UntilProcessed}), and nothing
 * behind it is committed meanwhile; a processed record is acknowledged, which commits its offset.
 * The handlers must be idempotent: a redelivery after a crash runs them again.
 *
 * <p>Values arrive as bytes ({@code ByteArrayDeserializer}) and are decoded here, so that a record
 * that does not decode is dead-lettered with its original bytes. Channels use {@code
 * failure-strategy=dead-letter-queue}.
 */
@ApplicationScoped
public class RecordProcessing {

    private final UntilProcessed untilProcessed;

    public RecordProcessing(UntilProcessed untilProcessed) {
        this.untilProcessed = untilProcessed;
    }

    /** One record, one run of {@code work} (which opens its own transaction). */
    public <T> CompletionStage<Void> single(
            KafkaRecord<String, byte[]> record, String channel, Class<T> type, Consumer<T> work) {
        T value;
        try {
            value = RecordDecoding.decode(record.getPayload(), type, channel);
        } catch (RecordDecoding.PoisonRecordException e) {
            return record.nack(e);
        }
        try {
            if (untilProcessed.run(channel, () -> work.accept(value))
                    == UntilProcessed.Outcome.STOPPING) {
                // Never acknowledged: the record is redelivered to whoever takes the partition.
                return new CompletableFuture<>();
            }
        } catch (RuntimeException rejected) {
            Log.warnf("Dead-lettering a %s record that was rejected: %s", channel, rejected);
            return record.nack(rejected);
        }
        return record.ack();
    }

    /**
     * One poll ({@code batch=true}) handled by {@code all} (in one transaction, or in several when
     * every handler is idempotent). Each record is decoded on its own: one that does not decode is
     * dead-lettered alone and the others are processed. Should the batch fail for a reason of its
     * own (not a dependency), its records are retried one by one with {@code one}, each in its own
     * transaction, so that only a record that fails by itself is dead-lettered. The batch is
     * committed to Kafka after all of this.
     */
    public <T> CompletionStage<Void> batch(
            KafkaRecordBatch<String, byte[]> batch,
            String channel,
            Class<T> type,
            Consumer<List<T>> all,
            Consumer<T> one) {
        List<KafkaRecord<String, byte[]>> good = new ArrayList<>();
        List<T> decoded = new ArrayList<>();
        List<CompletableFuture<Void>> deadLetters = new ArrayList<>();
        for (KafkaRecord<String, byte[]> record : batch.getRecords()) {
            try {
                decoded.add(RecordDecoding.decode(record.getPayload(), type, channel));
                good.add(record);
            } catch (RecordDecoding.PoisonRecordException e) {
                deadLetters.add(record.nack(e).toCompletableFuture());
            }
        }
        try {
            if (untilProcessed.run(channel, () -> all.accept(decoded))
                    == UntilProcessed.Outcome.STOPPING) {
                return new CompletableFuture<>();
            }
        } catch (RuntimeException e) {
            Log.warnf(
                    "A batch of %d %s records failed (%s); retrying them one by one",
                    decoded.size(), channel, e.toString());
            for (int i = 0; i < decoded.size(); i++) {
                T record = decoded.get(i);
                try {
                    if (untilProcessed.run(channel, () -> one.accept(record))
                            == UntilProcessed.Outcome.STOPPING) {
                        return new CompletableFuture<>();
                    }
                } catch (RuntimeException rejected) {
                    Log.warnf(
                            "Dead-lettering a %s record that was rejected: %s",
                            channel, rejected.toString());
                    deadLetters.add(good.get(i).nack(rejected).toCompletableFuture());
                }
            }
        }
        return CompletableFuture.allOf(deadLetters.toArray(CompletableFuture[]::new))
                .thenCompose(done -> batch.ack());
    }
}
