package dev.crateforge.scheduler.messaging;

/**
 * Reactive Messaging channel names of the inbound topics. Each maps to the {@code protocol} topic
 * of the same meaning in application.properties (checked by a test against {@code Topics}).
 * Outbound records go through the transactional outbox, not through channels.
 */
public final class Channels {

    public static final String JOB_REQUESTS = "job-requests";
    public static final String JOB_EVENTS = "job-events";
    public static final String BUILDER_CONNECTIONS = "builder-connections";
    public static final String ARTIFACTS = "artifacts";
    public static final String GATEWAY_HEARTBEATS = "gateway-heartbeats";

    private Channels() {}
}
