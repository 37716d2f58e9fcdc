package dev.crateforge.artifact.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.protocol.kafka.Topics;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The configured topics are the protocol's names, so the services meet on the same topics. */
class TopicConfigTests {

    private static final String PREFIX = "${crateforge.kafka.topic-prefix:}";

    @Test
    void channelsUseTheProtocolTopicNames() throws Exception {
        Properties config = new Properties();
        try (InputStream in =
                getClass().getClassLoader().getResourceAsStream("application.properties")) {
            config.load(in);
        }
        assertThat(config.getProperty("mp.messaging.incoming.job-states.topic"))
                .isEqualTo(PREFIX + Topics.JOB_STATES);
        assertThat(config.getProperty("mp.messaging.incoming.builder-control.topic"))
                .isEqualTo(PREFIX + Topics.BUILDER_CONTROL);
        assertThat(config.getProperty("mp.messaging.incoming.job-states.group.id"))
                .isEqualTo("crateforge-artifact-service");
        assertThat(config.getProperty("mp.messaging.incoming.version-yanks.topic"))
                .isEqualTo(PREFIX + Topics.VERSION_YANKS);
        assertThat(VersionYankConsumer.CHANNEL).isEqualTo("version-yanks");
        assertThat(JobStateConsumer.CHANNEL).isEqualTo("job-states");
        assertThat(BuilderControlConsumer.CHANNEL).isEqualTo("builder-control");
        // ArtifactStored goes through the outbox, not through a channel.
        assertThat(config.stringPropertyNames())
                .noneMatch(key -> key.startsWith("mp.messaging.outgoing."));
    }
}
