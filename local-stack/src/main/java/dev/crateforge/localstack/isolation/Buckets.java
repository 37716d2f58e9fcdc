package dev.crateforge.localstack.isolation;

import dev.crateforge.localstack.S3Address;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * Creates an empty bucket per test run with one signed {@code PUT /bucket}.
 *
 * <p>A hand-signed request rather than an S3 client: the AWS SDK would be a large compile
 * dependency of every service's tests just for this, and S3Proxy's anonymous mode would let the
 * services' own signing go unchecked.
 */
public final class Buckets {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Buckets() {}

    public static String create(S3Address server) {
        String bucket = UniqueNames.next("crateforge", '-');
        URI uri = URI.create(server.endpoint() + "/" + bucket);
        SigV4.Signed signed = SigV4.sign("PUT", uri, server, Instant.now());
        HttpRequest request =
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("x-amz-date", signed.amzDate())
                        .header("x-amz-content-sha256", SigV4.EMPTY_SHA256)
                        .header("Authorization", signed.authorization())
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .build();
        try {
            HttpResponse<String> response =
                    HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "cannot create bucket "
                                + bucket
                                + " at "
                                + server.endpoint()
                                + ": HTTP "
                                + response.statusCode()
                                + " "
                                + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach " + server.endpoint(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating a bucket", e);
        }
        return bucket;
    }
}
