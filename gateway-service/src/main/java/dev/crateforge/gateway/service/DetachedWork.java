package dev.crateforge.gateway.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Runs work whose outcome nobody waits for (a frame to a builder, a record to Kafka) and makes its
 * failure visible: every failure is logged at the level its {@link Action} names and counted in
 * {@code crateforge_gateway_failures_total{action}}. A bare {@code subscribe().with(ok, failure ->
 * {})} would hide a broker outage behind builders that simply stop hearing back.
 *
 * <p>Log lines name the action and the subject (a job, builder or connection id) and the failure's
 * class and message: never a frame, a token or a signature.
 */
@ApplicationScoped
public class DetachedWork {

    /** What was attempted: the metric's tag, the log level and the words of the log line. */
    public enum Action {
        /** A job event to Kafka: the builder sends it again after its next reconnect. */
        PUBLISH_JOB_EVENT("publish_job_event", Logger.Level.WARN, "forwarding an event of job"),
        /** A job request to Kafka: the builder is told {@code unavailable} and asks again. */
        PUBLISH_JOB_REQUEST(
                "publish_job_request", Logger.Level.WARN, "forwarding a job request of builder"),
        /** A completion to Kafka: the builder is told {@code unavailable} and sends it again. */
        PUBLISH_JOB_RESPONSE(
                "publish_job_response", Logger.Level.WARN, "forwarding the response of job"),
        /** Connected/Disconnected to Kafka: the scheduler falls back on the heartbeats. */
        PUBLISH_CONNECTION_CHANGE(
                "publish_connection_change",
                Logger.Level.WARN,
                "publishing a connection change of builder"),
        /** A heartbeat to Kafka: the next one follows within the interval. */
        PUBLISH_HEARTBEAT("publish_heartbeat", Logger.Level.WARN, "publishing the heartbeat of"),
        /**
         * A frame to a builder: fails when the socket closed meanwhile, which is routine (the
         * builder reconnects and asks again), hence DEBUG.
         */
        SEND_TO_BUILDER("send_to_builder", Logger.Level.DEBUG, "sending a message on connection"),
        /** A close frame: the socket may already be gone. */
        CLOSE_CONNECTION("close_connection", Logger.Level.DEBUG, "closing connection");

        private final String tag;
        private final Logger.Level level;
        private final String words;

        Action(String tag, Logger.Level level, String words) {
            this.tag = tag;
            this.level = level;
            this.words = words;
        }

        /** The value of the metric's {@code action} tag. */
        public String tag() {
            return tag;
        }
    }

    private final GatewayMetrics metrics;

    public DetachedWork(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Starts {@code work}; a failure is logged and counted as {@code action} on {@code subject}.
     */
    public void run(Uni<?> work, Action action, Object subject) {
        work.subscribe().with(ignored -> {}, failure -> failed(action, subject, failure));
    }

    /** Records a failure of {@code action} on {@code subject}: one log line and one count. */
    public void failed(Action action, Object subject, Throwable failure) {
        metrics.failure(action.tag());
        Log.logf(action.level, "%s %s failed: %s", action.words, subject, failure.toString());
    }
}
