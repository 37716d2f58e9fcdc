package dev.crateforge.scheduler.messaging;

import dev.crateforge.protocol.kafka.ArtifactStored;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.kafka.GatewayHeartbeat;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.scheduler.assignment.AssignmentService;
import dev.crateforge.scheduler.lifecycle.GatewayInstances;
import dev.crateforge.scheduler.lifecycle.LifecycleService;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The scheduler's inbound topics. Values arrive as bytes and are decoded here so that a record that
 * does not decode is dead-lettered with its original bytes. Job requests and job events come in
 * batches (one transaction per poll); the other topics are processed one record per transaction.
 *
 * <p>What happens to a record that fails is decided here, for every channel alike: a record that
 * can never be processed (it does not decode, or the code rejects it) goes to the dead-letter
 * topic; a record whose processing failed because the database or the broker is down is retried
 * with a doubling pause until it succeeds ({@link UntilProcessed}), and nothing behind it is
 * committed meanwhile. Offsets are committed to Kafka after processing; every handler is
 * idempotent, so a redelivery after a crash changes nothing.
 */
@ApplicationScoped
public class SchedulerConsumers {

    private final AssignmentService assignments;
    private final LifecycleService lifecycle;
    private final GatewayInstances gateways;
    private final UntilProcessed untilProcessed;

    public SchedulerConsumers(
            AssignmentService assignments,
            LifecycleService lifecycle,
            GatewayInstances gateways,
            UntilProcessed untilProcessed) {
        this.assignments = assignments;
        this.lifecycle = lifecycle;
        this.gateways = gateways;
        this.untilProcessed = untilProcessed;
    }

    /**
     * One poll of job-requests at a time ({@code batch=true}) in one transaction, with the same
     * per-record decoding and one-by-one fallback as {@link #jobActivities}.
     */
    @Incoming(Channels.JOB_REQUESTS)
    @Blocking
    public CompletionStage<Void> jobRequests(KafkaRecordBatch<String, byte[]> batch) {
        return inBatch(
                batch,
                Channels.JOB_REQUESTS,
                JobRequested.class,
                assignments::requestsReceived,
                assignments::requestReceived);
    }

    /**
     * One poll of job-events at a time ({@code batch=true}), handled in one transaction. Each
     * record is decoded on its own: one that does not decode is dead-lettered alone and the others
     * are processed. Should the batch's transaction fail for a reason of its own (not a
     * dependency), its records are retried one by one, each in its own transaction, so that only a
     * record that fails by itself is dead-lettered. The batch is committed to Kafka after all of
     * this.
     */
    @Incoming(Channels.JOB_EVENTS)
    @Blocking
    public CompletionStage<Void> jobActivities(KafkaRecordBatch<String, byte[]> batch) {
        return inBatch(
                batch,
                Channels.JOB_EVENTS,
                JobActivity.class,
                lifecycle::activities,
                lifecycle::activity);
    }

    @Incoming(Channels.BUILDER_CONNECTIONS)
    @Blocking
    public CompletionStage<Void> builderConnection(KafkaRecord<String, byte[]> record) {
        return single(
                record,
                Channels.BUILDER_CONNECTIONS,
                BuilderConnectionChange.class,
                change -> {
                    if (change instanceof BuilderConnectionChange.Connected connected) {
                        lifecycle.connected(connected);
                    } else if (change
                            instanceof BuilderConnectionChange.Disconnected disconnected) {
                        lifecycle.disconnected(disconnected);
                    }
                });
    }

    @Incoming(Channels.ARTIFACTS)
    @Blocking
    public CompletionStage<Void> artifactStored(KafkaRecord<String, byte[]> record) {
        return single(record, Channels.ARTIFACTS, ArtifactStored.class, lifecycle::artifactStored);
    }

    @Incoming(Channels.GATEWAY_HEARTBEATS)
    @Blocking
    public CompletionStage<Void> gatewayHeartbeat(KafkaRecord<String, byte[]> record) {
        return single(
                record, Channels.GATEWAY_HEARTBEATS, GatewayHeartbeat.class, gateways::heartbeat);
    }

    private <T> CompletionStage<Void> single(
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
                return new CompletableFuture<>();
            }
        } catch (RuntimeException rejected) {
            Log.warnf("Dead-lettering a %s record that was rejected: %s", channel, rejected);
            return record.nack(rejected);
        }
        return record.ack();
    }

    private <T> CompletionStage<Void> inBatch(
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
                // Never acknowledged: the records are redelivered to whoever takes the partitions.
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
