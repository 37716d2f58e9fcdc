package dev.crateforge.localstack.isolation;

import dev.crateforge.localstack.S3Address;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for a body-less S3 request without a query string: just enough for {@link
 * Buckets}. Signs {@code host}, {@code x-amz-content-sha256} and {@code x-amz-date}.
 */
final class SigV4 {

    /** SHA-256 of the empty body. */
    static final String EMPTY_SHA256 =
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String SIGNED_HEADERS = "host;x-amz-content-sha256;x-amz-date";

    private SigV4() {}

    record Signed(String amzDate, String authorization) {}

    static Signed sign(String method, URI uri, S3Address server, Instant now) {
        String amzDate = AMZ_DATE.format(now);
        String day = amzDate.substring(0, 8);
        String host = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        String canonicalRequest =
                String.join(
                        "\n",
                        method,
                        uri.getRawPath(),
                        "",
                        "host:" + host,
                        "x-amz-content-sha256:" + EMPTY_SHA256,
                        "x-amz-date:" + amzDate,
                        "",
                        SIGNED_HEADERS,
                        EMPTY_SHA256);
        String scope = day + "/" + server.region() + "/s3/aws4_request";
        String stringToSign =
                String.join("\n", "AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest));
        byte[] key =
                hmac(("AWS4" + server.secretAccessKey()).getBytes(StandardCharsets.UTF_8), day);
        key = hmac(key, server.region());
        key = hmac(key, "s3");
        key = hmac(key, "aws4_request");
        String signature = HexFormat.of().formatHex(hmac(key, stringToSign));
        return new Signed(
                amzDate,
                "AWS4-HMAC-SHA256 Credential="
                        + server.accessKeyId()
                        + "/"
                        + scope
                        + ", SignedHeaders="
                        + SIGNED_HEADERS
                        + ", Signature="
                        + signature);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
