package dev.crateforge.localstack.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.LocalStack;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Quarkus test resources hand out exactly the keys the services read, fresh per start. */
class TestResourcesTest {

    @Test
    void postgresResourceConfiguresTheDefaultDatasource() {
        Map<String, String> first = new PostgresTestResource().start();
        Map<String, String> second = new PostgresTestResource().start();
        assertThat(first)
                .containsOnlyKeys(
                        "quarkus.datasource.db-kind",
                        "quarkus.datasource.jdbc.url",
                        "quarkus.datasource.username",
                        "quarkus.datasource.password")
                .containsEntry("quarkus.datasource.db-kind", "postgresql");
        assertThat(first.get("quarkus.datasource.jdbc.url"))
                .startsWith("jdbc:postgresql://127.0.0.1:")
                .isNotEqualTo(second.get("quarkus.datasource.jdbc.url"));
    }

    @Test
    void kafkaResourceGivesBootstrapAndAFreshPrefix() {
        Map<String, String> first = new KafkaTestResource().start();
        Map<String, String> second = new KafkaTestResource().start();
        assertThat(first)
                .containsOnlyKeys("kafka.bootstrap.servers", "crateforge.kafka.topic-prefix")
                .containsEntry(
                        "kafka.bootstrap.servers",
                        LocalStack.shared().addresses().kafka().bootstrapServers());
        assertThat(first.get("crateforge.kafka.topic-prefix"))
                .isNotEqualTo(second.get("crateforge.kafka.topic-prefix"));
    }

    @Test
    void s3ResourceGivesPathStyleStaticCredentialsAndAFreshBucket() {
        Map<String, String> first = new S3TestResource().start();
        Map<String, String> second = new S3TestResource().start();
        assertThat(first)
                .containsOnlyKeys(
                        "quarkus.s3.endpoint-override",
                        "quarkus.s3.path-style-access",
                        "quarkus.s3.aws.region",
                        "quarkus.s3.aws.credentials.type",
                        "quarkus.s3.aws.credentials.static-provider.access-key-id",
                        "quarkus.s3.aws.credentials.static-provider.secret-access-key",
                        "artifact.s3.bucket")
                .containsEntry("quarkus.s3.path-style-access", "true")
                .containsEntry("quarkus.s3.aws.credentials.type", "static");
        assertThat(first.get("artifact.s3.bucket")).isNotEqualTo(second.get("artifact.s3.bucket"));
    }
}
