package dev.crateforge.gateway.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's Prometheus metrics, in one place so that their names stay consistent. Exported as
 * {@code crateforge_gateway_*} at {@code /q/metrics}.
 */
@ApplicationScoped
public class GatewayMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("crateforge.gateway.connected.builders", connected);
        registry.gauge("crateforge.gateway.pending.connections", pending);
    }

    /** Authenticated builder connections on this replica. */
    public AtomicInteger connectedBuilders() {
        return connected;
    }

    /** Connections waiting to authenticate on this replica. */
    public AtomicInteger pendingConnections() {
        return pending;
    }

    /**
     * A finished handshake. {@code reason} is for operators only: builders always see the same
     * close reason.
     */
    public void handshake(String outcome, String reason) {
        Counter.builder("crateforge.gateway.handshakes")
                .description("Builder handshakes by outcome and failure reason")
                .tag("outcome", outcome)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    public void messageIn(String type) {
        Counter.builder("crateforge.gateway.messages.in")
                .description("Messages received from builders, by type")
                .tag("type", type)
                .register(registry)
                .increment();
    }

    public void messageOut(String type) {
        Counter.builder("crateforge.gateway.messages.out")
                .description("Messages sent to builders, by type")
                .tag("type", type)
                .register(registry)
                .increment();
    }

    /** A connection closed by the gateway, by close code. */
    public void closed(int code) {
        Counter.builder("crateforge.gateway.closes")
                .description("Connections the gateway closed, by close code")
                .tag("code", Integer.toString(code))
                .register(registry)
                .increment();
    }

    /** A Kafka record consumed, by channel and what became of it. */
    public void consumed(String channel, String outcome) {
        Counter.builder("crateforge.gateway.kafka.consumed")
                .description("Kafka records consumed, by channel and outcome")
                .tag("channel", channel)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    public double consumedCount(String channel) {
        return registry
                .find("crateforge.gateway.kafka.consumed")
                .tag("channel", channel)
                .counters()
                .stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    public Timer.Sample startPublish() {
        return Timer.start(registry);
    }

    public void stopPublish(Timer.Sample sample, String topic, boolean ok) {
        sample.stop(
                Timer.builder("crateforge.gateway.kafka.publish")
                        .description("Time until Kafka acknowledged a record")
                        .tag("topic", topic)
                        .tag("outcome", ok ? "ok" : "failed")
                        .publishPercentileHistogram()
                        .register(registry));
    }
}
