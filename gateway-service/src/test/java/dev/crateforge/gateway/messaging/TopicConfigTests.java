package dev.crateforge.gateway.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.protocol.kafka.Topics;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The topic of every channel is exactly the name {@link Topics} defines, behind the run prefix. */
class TopicConfigTests {

    private static final String PREFIX = "${crateforge.kafka.topic-prefix:}";

    @Test
    void everyChannelUsesTheTopicNamedInTheProtocol() throws Exception {
        Properties props = new Properties();
        try (InputStream in =
                getClass().getClassLoader().getResourceAsStream("application.properties")) {
            props.load(in);
        }
        Map<String, String> expected =
                Map.of(
                        "outgoing." + Channels.JOB_REQUESTS, Topics.JOB_REQUESTS,
                        "outgoing." + Channels.JOB_EVENTS, Topics.JOB_EVENTS,
                        "outgoing." + Channels.BUILDER_CONNECTIONS, Topics.BUILDER_CONNECTIONS,
                        "outgoing." + Channels.GATEWAY_HEARTBEATS, Topics.GATEWAY_HEARTBEATS,
                        "incoming." + Channels.JOB_ASSIGNMENTS, Topics.JOB_ASSIGNMENTS,
                        "incoming." + Channels.BUILDER_CONTROL, Topics.BUILDER_CONTROL);

        expected.forEach(
                (channel, topic) ->
                        assertThat(props.getProperty("mp.messaging." + channel + ".topic"))
                                .as(channel)
                                .isEqualTo(PREFIX + topic));
    }

    @Test
    void replicasReadAssignmentsAndControlUnderTheirOwnGroupFromLatest() throws Exception {
        Properties props = new Properties();
        try (InputStream in =
                getClass().getClassLoader().getResourceAsStream("application.properties")) {
            props.load(in);
        }
        for (String channel : new String[] {Channels.JOB_ASSIGNMENTS, Channels.BUILDER_CONTROL}) {
            String base = "mp.messaging.incoming." + channel + ".";
            assertThat(props.getProperty(base + "group.id"))
                    .isEqualTo("crateforge-gateway-${crateforge.gateway.instance-id}");
            assertThat(props.getProperty(base + "auto.offset.reset")).isEqualTo("latest");
            assertThat(props.getProperty(base + "group.instance.id"))
                    .startsWith("${crateforge.gateway.instance-id}-");
            assertThat(props.getProperty(base + "failure-strategy")).isEqualTo("dead-letter-queue");
            assertThat(props.getProperty(base + "dead-letter-queue.topic"))
                    .isEqualTo("${crateforge.kafka.topic-prefix:}" + Topics.GATEWAY_DEAD_LETTERS);
        }
        assertThat(props.getProperty("kafka.acks")).isEqualTo("all");
        assertThat(props.getProperty("kafka.enable.idempotence")).isEqualTo("true");
    }
}
