package dev.crateforge.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Work nobody waits for: a failure is counted by action, a success is not. */
class DetachedWorkTests {

    private final GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry());
    private final DetachedWork detached = new DetachedWork(metrics);

    @Test
    void countsAFailedPublishOfAJobEventByItsAction() {
        detached.run(
                Uni.createFrom().failure(new IllegalStateException("broker unavailable")),
                DetachedWork.Action.PUBLISH_JOB_EVENT,
                UUID.randomUUID());
        detached.run(Uni.createFrom().voidItem(), DetachedWork.Action.PUBLISH_JOB_EVENT, "ok");

        assertThat(metrics.failureCount("publish_job_event")).isEqualTo(1);
        assertThat(metrics.failureCount("send_to_builder")).isZero();
    }
}
