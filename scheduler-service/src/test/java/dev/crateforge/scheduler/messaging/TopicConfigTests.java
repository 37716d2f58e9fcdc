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
                        "outgoing." + Channels.JOB_ASSIGNMENTS, Topics.JOB_ASSIGNMENTS,
                        "outgoing." + Channels.JOB_STATES, Topics.JOB_STATES,
                        "outgoing." + Channels.BUILDER_CONTROL, Topics.BUILDER_CONTROL);
        expected.forEach(
                (channel, topic) ->
                        assertThat(properties.getProperty("mp.messaging." + channel + ".topic"))
                                .as(channel)
                                .isEqualTo(PREFIX + topic));
        assertThat(properties.getProperty("mp.messaging.incoming.job-requests.group.id"))
                .isEqualTo("crateforge-scheduler");
    }
}
