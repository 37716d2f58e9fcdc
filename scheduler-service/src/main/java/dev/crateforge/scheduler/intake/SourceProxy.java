package dev.crateforge.scheduler.intake;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Source URLs of private registries. A builder fetches a job's source with a plain GET of its URL
 * and must never hold a registry's token, so the intake gives the jobs of a registry with a token a
 * URL of the scheduler's own {@link SourceProxyResource} instead, which fetches the file from the
 * registry with the token. The URL names the registry's download URL and carries an HMAC over the
 * registry, crate, version, checksum and that URL (key {@code crateforge.intake.source-proxy-key}):
 * the proxy serves only what the intake turned into jobs, and a leaked URL opens one file, never
 * the registry. The token itself stays in configuration.
 */
@ApplicationScoped
public class SourceProxy {

    /** The proxy's path under the scheduler's base URL. */
    static final String PATH = "/api/v1/registries/{name}/sources/{crate}/{version}";

    private final Optional<String> baseUrl;
    private final Optional<SecretKeySpec> key;

    public SourceProxy(IntakeConfig config) {
        this.baseUrl = config.sourceProxyUrl().map(u -> u.replaceAll("/+$", ""));
        this.key =
                config.sourceProxyKey()
                        .map(
                                k ->
                                        new SecretKeySpec(
                                                k.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }

    /** Whether both settings the proxy needs are there. */
    boolean configured() {
        return baseUrl.isPresent() && key.isPresent();
    }

    /** The proxy URL a job of a private registry's version gets as its source URL. */
    String sourceUrl(
            String registry, String crate, String version, String sha256, String upstream) {
        return baseUrl.orElseThrow()
                + PATH.replace("{name}", registry)
                        .replace("{crate}", crate)
                        .replace("{version}", version)
                + "?sha256="
                + sha256
                + "&url="
                + URLEncoder.encode(upstream, StandardCharsets.UTF_8)
                + "&sig="
                + sign(registry, crate, version, sha256, upstream);
    }

    /** Whether {@code sig} is this scheduler's signature of the request (constant time). */
    boolean verify(
            String registry,
            String crate,
            String version,
            String sha256,
            String upstream,
            String sig) {
        if (key.isEmpty() || sig == null || sha256 == null || upstream == null) {
            return false;
        }
        return MessageDigest.isEqual(
                sign(registry, crate, version, sha256, upstream)
                        .getBytes(StandardCharsets.US_ASCII),
                sig.getBytes(StandardCharsets.US_ASCII));
    }

    /** The signature of a proxy URL: what must not be shown to people who are not builders. */
    private static final java.util.regex.Pattern SIGNATURE =
            java.util.regex.Pattern.compile("([?&]sig=)[^&]*");

    /**
     * A job's source URL as the API and the console show it: a proxy URL without its signature
     * (which, while a build runs, opens the private file), any other URL as it is.
     */
    public static String redacted(String sourceUrl) {
        return sourceUrl != null && sourceUrl.contains("/sources/")
                ? SIGNATURE.matcher(sourceUrl).replaceAll("$1redacted")
                : sourceUrl;
    }

    /** The registry's download URL a proxy request names, if it is an http(s) URL with a host. */
    static Optional<URI> upstream(String url) {
        if (url == null) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(url);
            boolean web = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
            return web && uri.getHost() != null && uri.getUserInfo() == null
                    ? Optional.of(uri)
                    : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private String sign(
            String registry, String crate, String version, String sha256, String upstream) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key.orElseThrow());
            byte[] digest =
                    mac.doFinal(
                            String.join(
                                            "\n",
                                            "crateforge-source/v1",
                                            registry,
                                            crate,
                                            version,
                                            sha256,
                                            upstream)
                                    .getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }
}
