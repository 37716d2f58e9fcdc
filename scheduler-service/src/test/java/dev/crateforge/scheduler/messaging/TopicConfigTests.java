package dev.crateforge.scheduler.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.protocol.kafka.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The configured topic of every channel is the protocol's name for it. */
class TopicConfigTests {

    private static final String PREFIX = "${crateforge.kafka.topic-prefix:}";

    @Test
    void everyChannelUsesTheProtocolTopicName() throws IOException {
        Properties properties = new Properties();
        try (InputStream in =
                getClass().getClassLoader().getResourceAsStream("application.properties")) {
            properties.load(in);
        }
        Map<String, String> expected =
                Map.of(
                        "incoming." + Channels.JOB_REQUESTS, Topics.JOB_REQUESTS,
                        "incoming." + Channels.JOB_EVENTS, Topics.JOB_EVENTS,
                        "incoming." + Channels.BUILDER_CONNECTIONS, Topics.BUILDER_CONNECTIONS,
                        "incoming." + Channels.ARTIFACTS, Topics.ARTIFACTS,
                        "incoming." + Channels.GATEWAY_HEARTBEATS, Topics.GATEWAY_HEARTBEATS);
        expected.forEach(
                (channel, topic) ->
                        assertThat(properties.getProperty("mp.messaging." + channel + ".topic"))
                                .as(channel)
                                .isEqualTo(PREFIX + topic));
        assertThat(properties.getProperty("mp.messaging.incoming.job-requests.group.id"))
                .isEqualTo("crateforge-scheduler");
    }

    @Test
    void everyConsumerIsAStaticMemberWithItsOwnIdAndAShortSession() throws IOException {
        Properties properties = new Properties();
        try (InputStream in =
                getClass().getClassLoader().getResourceAsStream("application.properties")) {
            properties.load(in);
        }
        for (String channel :
                java.util.List.of(
                        Channels.JOB_REQUESTS,
                        Channels.JOB_EVENTS,
                        Channels.BUILDER_CONNECTIONS,
                        Channels.ARTIFACTS,
                        Channels.GATEWAY_HEARTBEATS)) {
            String prefix = "mp.messaging.incoming." + channel + ".";
            assertThat(properties.getProperty(prefix + "group.instance.id"))
                    .as(channel)
                    .isEqualTo("${crateforge.kafka.instance-id}-" + channel);
            assertThat(properties.getProperty(prefix + "session.timeout.ms"))
                    .as(channel)
                    .isEqualTo("${crateforge.kafka.session-timeout-ms}");
            assertThat(properties.getProperty(prefix + "failure-strategy"))
                    .as(channel)
                    .isEqualTo("dead-letter-queue");
        }
    }
}
