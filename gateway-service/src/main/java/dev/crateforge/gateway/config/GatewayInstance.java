package dev.crateforge.gateway.config;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The name of this gateway process, {@code <pod>~<incarnation>}, written into every record it
 * publishes (job requests, connection changes, undeliverable reports, heartbeats).
 *
 * <p>The pod part ({@code crateforge.gateway.instance-id}, the pod name by default) is stable, so
 * that the Kafka consumer groups and their offsets survive a restart. The incarnation part is new
 * in every process, so that a restarted pod is a new instance: assignments the scheduler addressed
 * to the dead process are recognised as not this process's to deliver or to report, and the
 * scheduler retires the dead process's connections as soon as the new one's first heartbeat
 * arrives.
 */
@Singleton
public class GatewayInstance {

    /** Separates the pod from the incarnation; never part of a pod or host name. */
    public static final char SEPARATOR = '~';

    /** Records bound an instance name to 128 characters; 8 go to the separator and incarnation. */
    static final int MAX_POD_LENGTH = 119;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String pod;
    private final String name;
    private final Instant startedAt;

    @Inject
    public GatewayInstance(GatewayConfig config) {
        this(config.instanceId(), newIncarnation(), Instant.now());
    }

    private GatewayInstance(String pod, String incarnation, Instant startedAt) {
        if (pod.isBlank() || pod.length() > MAX_POD_LENGTH || pod.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException(
                    "crateforge.gateway.instance-id must be 1-"
                            + MAX_POD_LENGTH
                            + " characters without '"
                            + SEPARATOR
                            + "'");
        }
        this.pod = pod;
        this.name = pod + SEPARATOR + incarnation;
        this.startedAt = startedAt;
    }

    /** An instance of {@code pod} with the given incarnation, for tests of routing. */
    public static GatewayInstance of(String pod, String incarnation) {
        return new GatewayInstance(pod, incarnation, Instant.now());
    }

    /** A fresh instance of {@code pod}, as a process start makes it. */
    public static GatewayInstance start(String pod) {
        return new GatewayInstance(pod, newIncarnation(), Instant.now());
    }

    /** This process's instance name, {@code <pod>~<incarnation>}. */
    public String name() {
        return name;
    }

    /** The stable name of the pod (or host): the consumer groups' and static members' name. */
    public String pod() {
        return pod;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /**
     * True when {@code gatewayInstance} names another process of this same pod: one that ran here
     * before this process started (or, for records of gateways older than incarnations, the bare
     * pod name). Its assignments are neither this process's to deliver nor to report undeliverable.
     */
    public boolean isOtherIncarnation(String gatewayInstance) {
        if (gatewayInstance == null || gatewayInstance.equals(name)) {
            return false;
        }
        return gatewayInstance.equals(pod)
                || (gatewayInstance.length() > pod.length()
                        && gatewayInstance.startsWith(pod)
                        && gatewayInstance.charAt(pod.length()) == SEPARATOR);
    }

    private static String newIncarnation() {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return name;
    }
}
