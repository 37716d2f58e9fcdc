package dev.crateforge.artifact.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The service's own meters: bytes in and out, upload duration by outcome, and rejections by reason,
 * so that an operator can tell a wave of expired tokens from a full disk.
 */
@ApplicationScoped
public class ArtifactMetrics {

    private final MeterRegistry registry;
    private final Counter bytesIn;
    private final Counter bytesOut;

    public ArtifactMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bytesIn =
                Counter.builder("crateforge.artifact.upload.bytes")
                        .description("Artifact bytes received and stored")
                        .baseUnit("bytes")
                        .register(registry);
        this.bytesOut =
                Counter.builder("crateforge.artifact.download.bytes")
                        .description("Artifact bytes sent to downloaders")
                        .baseUnit("bytes")
                        .register(registry);
    }

    public void bytesIn(long count) {
        bytesIn.increment(count);
    }

    public void bytesOut(long count) {
        bytesOut.increment(count);
    }

    /** Starts timing an upload; stop it with {@link #uploadFinished}. */
    public Timer.Sample uploadStarted() {
        return Timer.start(registry);
    }

    /**
     * Records an upload's duration under its outcome ({@code stored}, {@code same}, {@code
     * rejected}, {@code failed}).
     */
    public void uploadFinished(Timer.Sample sample, String kind, String outcome) {
        sample.stop(
                Timer.builder("crateforge.artifact.upload.duration")
                        .description("Time from the upload request to its answer")
                        .tag("kind", kind)
                        .tag("outcome", outcome)
                        .register(registry));
    }

    /** Counts a refused request by the reason tag of its {@link Rejection}. */
    public void rejected(String reason) {
        registry.counter("crateforge.artifact.rejections", "reason", reason).increment();
    }
}
