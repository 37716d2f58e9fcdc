package dev.crateforge.artifact.health;

import dev.crateforge.artifact.config.ArtifactConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Ready only while the artifact bucket answers a HeadBucket: without S3 the service can neither
 * take uploads nor serve downloads, so traffic should go to a replica that can.
 */
@Readiness
@ApplicationScoped
public class S3ReadinessCheck implements HealthCheck {

    private final S3Client s3;
    private final ArtifactConfig config;

    public S3ReadinessCheck(S3Client s3, ArtifactConfig config) {
        this.s3 = s3;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        String bucket = config.s3().bucket();
        try {
            s3.headBucket(head -> head.bucket(bucket));
            return HealthCheckResponse.named("s3").up().withData("bucket", bucket).build();
        } catch (SdkException e) {
            return HealthCheckResponse.named("s3")
                    .down()
                    .withData("bucket", bucket)
                    .withData("error", String.valueOf(e.getMessage()))
                    .build();
        }
    }
}
