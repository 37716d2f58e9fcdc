package dev.crateforge.scheduler.messaging;

/**
 * Reactive Messaging channel names. Each maps to the {@code protocol} topic of the same meaning in
 * application.properties (checked by a test against {@code Topics}).
 */
public final class Channels {

    public static final String JOB_REQUESTS = "job-requests";
    public static final String JOB_EVENTS = "job-events";
    public static final String BUILDER_CONNECTIONS = "builder-connections";
    public static final String ARTIFACTS = "artifacts";
    public static final String JOB_ASSIGNMENTS = "job-assignments";
    public static final String JOB_STATES = "job-states";
    public static final String BUILDER_CONTROL = "builder-control";

    private Channels() {}
}
