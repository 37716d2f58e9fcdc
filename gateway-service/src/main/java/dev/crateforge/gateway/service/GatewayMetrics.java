package dev.crateforge.gateway.service;

import dev.crateforge.protocol.contract.SocketClose;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

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
        counter(
                        "crateforge.gateway.handshakes",
                        "Builder handshakes by outcome and failure reason",
                        "outcome",
                        outcome,
                        "reason",
                        reason)
                .increment();
    }

    /**
     * An authenticated connection ended, counted by who closed it: the gateway (a close of the
     * contract, also counted in {@link #closed}) or the builder (or its network).
     */
    public void disconnected(boolean byGateway) {
        counter(
                        "crateforge.gateway.disconnects",
                        "Authenticated connections that ended, by who closed them",
                        "by",
                        byGateway ? "gateway" : "builder")
                .increment();
    }

    public void messageIn(String type) {
        counter(
                        "crateforge.gateway.messages.in",
                        "Messages received from builders, by type",
                        "type",
                        type)
                .increment();
    }

    public void messageOut(String type) {
        counter(
                        "crateforge.gateway.messages.out",
                        "Messages sent to builders, by type",
                        "type",
                        type)
                .increment();
    }

    /** A connection closed by the gateway, by close code and contract entry. */
    public void closed(SocketClose close) {
        counter(
                        "crateforge.gateway.closes",
                        "Connections the gateway closed, by close code and reason",
                        "code",
                        Integer.toString(close.code()),
                        "reason",
                        close.name().toLowerCase(Locale.ROOT))
                .increment();
    }

    /** Work nobody waited for failed (see {@link DetachedWork}), by what it was. */
    public void failure(String action) {
        counter(
                        "crateforge.gateway.failures",
                        "Failures of work nobody waited for (sends, publishes), by action",
                        "action",
                        action)
                .increment();
    }

    /** How often {@link #failure(String)} counted {@code action}; for tests and health views. */
    public double failureCount(String action) {
        Counter counter =
                registry.find("crateforge.gateway.failures").tag("action", action).counter();
        return counter == null ? 0 : counter.count();
    }

    /** How many records of {@code channel} ended in {@code outcome}. */
    public double consumedCount(String channel, String outcome) {
        Counter counter =
                registry.find("crateforge.gateway.kafka.consumed")
                        .tag("channel", channel)
                        .tag("outcome", outcome)
                        .counter();
        return counter == null ? 0 : counter.count();
    }

    /** A Kafka record consumed, by channel and what became of it. */
    public void consumed(String channel, String outcome) {
        counter(
                        "crateforge.gateway.kafka.consumed",
                        "Kafka records consumed, by channel and outcome",
                        "channel",
                        channel,
                        "outcome",
                        outcome)
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
        String outcome = ok ? "ok" : "failed";
        sample.stop(
                timers.computeIfAbsent(
                        topic + '|' + outcome,
                        key ->
                                Timer.builder("crateforge.gateway.kafka.publish")
                                        .description("Time until Kafka acknowledged a record")
                                        .tag("topic", topic)
                                        .tag("outcome", outcome)
                                        .publishPercentileHistogram()
                                        .register(registry)));
    }

    /**
     * The counter with these tags (name/value pairs), registered on first use. Remembered here
     * because registering builds and sorts an id each time, on every handshake and message.
     */
    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(
                name + '|' + String.join("|", tags),
                key ->
                        Counter.builder(name)
                                .description(description)
                                .tags(tags)
                                .register(registry));
    }
}
