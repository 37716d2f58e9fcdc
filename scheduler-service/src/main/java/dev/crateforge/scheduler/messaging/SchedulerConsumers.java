package dev.crateforge.scheduler.messaging;

import dev.crateforge.protocol.kafka.ArtifactStored;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.scheduler.service.AssignmentService;
import dev.crateforge.scheduler.service.LifecycleService;
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
 * Offsets are committed to Kafka after processing; every handler is idempotent, so a redelivery
 * after a crash changes nothing.
 */
@ApplicationScoped
public class SchedulerConsumers {

    private final AssignmentService assignments;
    private final LifecycleService lifecycle;

    public SchedulerConsumers(AssignmentService assignments, LifecycleService lifecycle) {
        this.assignments = assignments;
        this.lifecycle = lifecycle;
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
     * are processed. Should the batch's transaction fail, its records are retried one by one, each
     * in its own transaction, so that only a record that fails by itself is dead-lettered. The
     * batch is committed to Kafka after all of this.
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

    private static <T> CompletionStage<Void> inBatch(
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
            all.accept(decoded);
        } catch (RuntimeException e) {
            Log.warnf(
                    "A batch of %d %s records failed (%s); retrying them one by one",
                    decoded.size(), channel, e.toString());
            for (int i = 0; i < decoded.size(); i++) {
                try {
                    one.accept(decoded.get(i));
                } catch (RuntimeException failed) {
                    Log.warnf(
                            "Dead-lettering a %s record that failed: %s",
                            channel, failed.toString());
                    deadLetters.add(good.get(i).nack(failed).toCompletableFuture());
                }
            }
        }
        return CompletableFuture.allOf(deadLetters.toArray(CompletableFuture[]::new))
                .thenCompose(done -> batch.ack());
    }

    @Incoming(Channels.BUILDER_CONNECTIONS)
    @Blocking
    public void builderConnection(byte[] value) {
        BuilderConnectionChange change =
                RecordDecoding.decode(
                        value, BuilderConnectionChange.class, Channels.BUILDER_CONNECTIONS);
        if (change instanceof BuilderConnectionChange.Connected connected) {
            lifecycle.connected(connected);
        } else if (change instanceof BuilderConnectionChange.Disconnected disconnected) {
            lifecycle.disconnected(disconnected);
        }
    }

    @Incoming(Channels.ARTIFACTS)
    @Blocking
    public void artifactStored(byte[] value) {
        lifecycle.artifactStored(
                RecordDecoding.decode(value, ArtifactStored.class, Channels.ARTIFACTS));
    }
}
