package dev.crateforge.localstack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KafkaClusterIdTest {

    @Test
    void clusterIdsAreValidAndNeverLookLikeAnOption() {
        Set<String> ids = new HashSet<>();
        // One id in 64 would start with '-' if it were not excluded; 5,000 draws make that certain.
        for (int i = 0; i < 5_000; i++) {
            String id = KafkaServer.clusterId();
            assertThat(id).hasSize(22).matches("[A-Za-z0-9_][A-Za-z0-9_-]{21}");
            ids.add(id);
        }
        assertThat(ids).hasSize(5_000);
    }
}
