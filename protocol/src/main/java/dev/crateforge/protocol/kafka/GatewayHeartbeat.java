package dev.crateforge.protocol.kafka;

import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

import java.time.Instant;

/**
 * A gateway process is alive ({@link Topics#GATEWAY_HEARTBEATS}, key gateway instance). Each
 * gateway process sends one every few seconds; the scheduler treats the process's connections as
 * gone when its heartbeats stop for longer than its lease, so that a gateway killed without a word
 * (kill -9, a lost node) leaves no connection listed as online and no request waiting forever.
 *
 * @param gatewayInstance the process's instance name, as it appears in every record it publishes:
 *     unique per process start, so a restarted pod is a new instance
 * @param pod the stable name of the pod (or host) the process runs in; a new instance of the same
 *     pod retires the older instances' connections at once, without waiting for their lease
 * @param leaseSeconds how long after {@code at} the instance counts as alive
 */
public record GatewayHeartbeat(
        String gatewayInstance, String pod, Instant startedAt, Integer leaseSeconds, Instant at) {

    public GatewayHeartbeat {
        nonBlank(gatewayInstance, "gatewayInstance", 128);
        nonBlank(pod, "pod", 128);
        required(startedAt, "startedAt");
        range(leaseSeconds, "leaseSeconds", 1, 3600);
        required(at, "at");
    }
}
