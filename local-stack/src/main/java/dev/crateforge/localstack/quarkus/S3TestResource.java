package dev.crateforge.localstack.quarkus;

import dev.crateforge.localstack.LocalStack;
import dev.crateforge.localstack.S3Address;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * {@code @WithTestResource(S3TestResource.class)}: the shared local S3 server (path-style, static
 * credentials) with a new, empty bucket for each test run ({@code artifact.s3.bucket}).
 */
public class S3TestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        LocalStack stack = LocalStack.shared();
        String bucket = stack.newBucket();
        S3Address s3 = stack.addresses().s3();
        return Map.of(
                "quarkus.s3.endpoint-override", s3.endpoint(),
                "quarkus.s3.path-style-access", "true",
                "quarkus.s3.aws.region", s3.region(),
                "quarkus.s3.aws.credentials.type", "static",
                "quarkus.s3.aws.credentials.static-provider.access-key-id", s3.accessKeyId(),
                "quarkus.s3.aws.credentials.static-provider.secret-access-key",
                        s3.secretAccessKey(),
                "artifact.s3.bucket", bucket);
    }

    /** The bucket is left behind: nothing else uses that name. */
    @Override
    public void stop() {}
}
