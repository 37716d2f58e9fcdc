package dev.crateforge.gateway.messaging;

/** Names of the gateway's messaging channels; their topics are set in application.properties. */
public final class Channels {

    /** Out: {@code JobRequested}, key builder id. */
    public static final String JOB_REQUESTS = "job-requests";

    /** Out: {@code JobActivity}, key job id. */
    public static final String JOB_EVENTS = "job-events";

    /** Out: {@code BuilderConnectionChange}, key builder id. */
    public static final String BUILDER_CONNECTIONS = "builder-connections";

    /** Out: {@code GatewayHeartbeat}, key gateway instance. */
    public static final String GATEWAY_HEARTBEATS = "gateway-heartbeats";

    /** In: {@code JobAssigned}, under this replica's own consumer group. */
    public static final String JOB_ASSIGNMENTS = "job-assignments";

    /** In: {@code BuilderControl}, under this replica's own consumer group. */
    public static final String BUILDER_CONTROL = "builder-control";

    private Channels() {}
}
