package dev.crateforge.artifact.messaging;

import dev.crateforge.protocol.kafka.ArtifactStored;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Announces stored artifacts on {@code crateforge.artifacts.v1}, keyed by job id so that they stay
 * in order with the job's other records. A send waits for the broker's acknowledgement: an upload
 * is answered only once the scheduler is sure to hear of it.
 */
@ApplicationScoped
public class ArtifactEvents {

    /** The outgoing channel, bound to {@code Topics.ARTIFACTS} in application.properties. */
    public static final String CHANNEL = "artifacts";

    private final MutinyEmitter<Record<String, ArtifactStored>> emitter;

    public ArtifactEvents(@Channel(CHANNEL) MutinyEmitter<Record<String, ArtifactStored>> emitter) {
        this.emitter = emitter;
    }

    /** Publishes and waits for the acknowledgement; throws if the broker does not confirm. */
    public void stored(ArtifactStored stored) {
        emitter.sendAndAwait(Record.of(stored.jobId().toString(), stored));
    }
}
