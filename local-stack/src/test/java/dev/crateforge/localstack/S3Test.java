package dev.crateforge.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The shared S3 server stores and returns objects for the AWS SDK the artifact service uses, with
 * the fixed credentials only, and every run gets its own bucket.
 */
class S3Test {

    @Test
    void objectRoundTripsThroughANewBucket() {
        LocalStack stack = LocalStack.shared();
        String bucket = stack.newBucket();
        S3Address s3 = stack.addresses().s3();
        byte[] body = "artifact bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        try (S3Client client = client(s3, s3.secretAccessKey())) {
            client.putObject(
                    b -> b.bucket(bucket).key("crates/serde/1.0.0.tar.zst"),
                    RequestBody.fromBytes(body));
            byte[] read =
                    client.getObjectAsBytes(b -> b.bucket(bucket).key("crates/serde/1.0.0.tar.zst"))
                            .asByteArray();
            assertThat(read).isEqualTo(body);
        }
    }

    @Test
    void eachRunGetsItsOwnBucket() {
        LocalStack stack = LocalStack.shared();
        String first = stack.newBucket();
        String second = stack.newBucket();
        assertThat(first).isNotEqualTo(second);
        try (S3Client client =
                client(stack.addresses().s3(), stack.addresses().s3().secretAccessKey())) {
            assertThat(client.listBuckets().buckets())
                    .extracting(b -> b.name())
                    .contains(first, second);
            assertThat(client.listObjectsV2(b -> b.bucket(second)).contents()).isEmpty();
        }
    }

    @Test
    void wrongSecretIsRefused() {
        LocalStack stack = LocalStack.shared();
        String bucket = stack.newBucket();
        try (S3Client client = client(stack.addresses().s3(), "not-the-secret")) {
            assertThatThrownBy(() -> client.listObjectsV2(b -> b.bucket(bucket)))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
        }
    }

    private static S3Client client(S3Address s3, String secret) {
        return S3Client.builder()
                .endpointOverride(URI.create(s3.endpoint()))
                .region(Region.of(s3.region()))
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(s3.accessKeyId(), secret)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
