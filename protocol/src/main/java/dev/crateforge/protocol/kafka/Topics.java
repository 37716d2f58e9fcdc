package dev.crateforge.protocol.kafka;

import java.util.List;

/**
 * The Kafka topics the services exchange records on: the one place their names are written.
 *
 * <p>Every name carries a schema version suffix so that an incompatible record change becomes a new
 * topic rather than a surprise for a consumer that is still running the old code. Deployments (and
 * test runs that share one broker) may put a prefix in front of every name; see {@link
 * #prefixed(String, String)}.
 */
public final class Topics {

    /** Gateway to scheduler: a builder asks for work. Key: builder id. */
    public static final String JOB_REQUESTS = "crateforge.job-requests.v1";

    /**
     * Scheduler to every gateway replica: a job was assigned to a builder connection. Key: builder
     * id. Each gateway pod reads all of it under its own consumer group and keeps what it holds.
     */
    public static final String JOB_ASSIGNMENTS = "crateforge.job-assignments.v1";

    /**
     * Gateway to scheduler: everything a builder says about one attempt of a job (log lines, stage
     * changes, heartbeats, the completion, an undeliverable assignment). Key: job id, so that one
     * job's records stay in order and the completion comes after its last log line.
     */
    public static final String JOB_EVENTS = "crateforge.job-events.v1";

    /** Gateway to scheduler: a builder connected or disconnected. Key: builder id. */
    public static final String BUILDER_CONNECTIONS = "crateforge.builder-connections.v1";

    /**
     * Scheduler and gateway admin API to every gateway replica: cancel a job, disconnect a builder.
     * Key: builder id.
     */
    public static final String BUILDER_CONTROL = "crateforge.builder-control.v1";

    /**
     * Scheduler to artifact service: which attempt of a job is live, and when a job ends. Key: job
     * id.
     */
    public static final String JOB_STATES = "crateforge.job-states.v1";

    /**
     * Gateway to scheduler: a gateway process is alive ({@link GatewayHeartbeat}). Key: gateway
     * instance.
     */
    public static final String GATEWAY_HEARTBEATS = "crateforge.gateway-heartbeats.v1";

    /** Artifact service to scheduler: an artifact was stored. Key: job id. */
    public static final String ARTIFACTS = "crateforge.artifacts.v1";

    /**
     * Scheduler (registry intake) to artifact service: a registry yanked or unyanked a crate
     * version ({@link VersionYankChanged}). Key: registry and crate.
     */
    public static final String VERSION_YANKS = "crateforge.version-yanks.v1";

    /**
     * Per service, the records it consumed but could not process, as received (the {@code
     * dead-letter-queue} failure strategy). One naming scheme: {@code
     * crateforge.<service>.dead-letters.v1}.
     */
    public static final String GATEWAY_DEAD_LETTERS = "crateforge.gateway.dead-letters.v1";

    public static final String SCHEDULER_DEAD_LETTERS = "crateforge.scheduler.dead-letters.v1";

    public static final String ARTIFACT_DEAD_LETTERS = "crateforge.artifact.dead-letters.v1";

    /** Every topic, for tools that create them (Helm hook, local stack). */
    public static final List<String> ALL =
            List.of(
                    JOB_REQUESTS,
                    JOB_ASSIGNMENTS,
                    JOB_EVENTS,
                    BUILDER_CONNECTIONS,
                    BUILDER_CONTROL,
                    GATEWAY_HEARTBEATS,
                    JOB_STATES,
                    ARTIFACTS,
                    VERSION_YANKS);

    private Topics() {}

    /** The topic name as deployed under {@code prefix} (empty for none). */
    public static String prefixed(String prefix, String topic) {
        return prefix == null || prefix.isEmpty() ? topic : prefix + topic;
    }
}
