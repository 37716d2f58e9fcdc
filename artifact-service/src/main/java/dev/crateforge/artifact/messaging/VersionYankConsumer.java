package dev.crateforge.artifact.messaging;

import dev.crateforge.artifact.service.YankService;
import dev.crateforge.messaging.consume.RecordProcessing;
import dev.crateforge.protocol.kafka.VersionYankChanged;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads the registry intake's {@code VersionYankChanged} records ({@code
 * crateforge.version-yanks.v1}) into the yank state and the artifacts' flag, through the shared
 * {@link RecordProcessing} (dead letters for what never decodes, retries while the database is
 * down). One consumer group for all replicas: the state is in the database.
 */
@ApplicationScoped
public class VersionYankConsumer {

    /** The incoming channel, bound to {@code Topics.VERSION_YANKS} in application.properties. */
    public static final String CHANNEL = "version-yanks";

    private final YankService yanks;
    private final RecordProcessing processing;

    public VersionYankConsumer(YankService yanks, RecordProcessing processing) {
        this.yanks = yanks;
        this.processing = processing;
    }

    @Incoming(CHANNEL)
    @Blocking
    public CompletionStage<Void> onYank(KafkaRecord<String, byte[]> record) {
        return processing.single(record, CHANNEL, VersionYankChanged.class, yanks::apply);
    }
}
