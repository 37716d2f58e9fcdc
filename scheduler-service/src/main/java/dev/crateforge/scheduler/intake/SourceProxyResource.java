package dev.crateforge.scheduler.intake;

import io.quarkus.logging.Log;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The source proxy of private registries (see {@link SourceProxy}): a builder GETs a job's source
 * URL here without credentials; a URL this scheduler signed is fetched from the registry with the
 * registry's token and streamed back unchanged (the builder checks the SHA-256 as for any source).
 * Redirects are followed by hand, and the token goes only to the origin of the registry's download
 * URL: a registry that redirects to a CDN never hands its token to the CDN. Neither the token nor
 * the signature is logged.
 */
@Path(SourceProxy.PATH)
@Tag(name = "registries")
public class SourceProxyResource {

    private static final int MAX_REDIRECTS = 5;

    /**
     * The most this proxy relays of one file: far above any {@code .crate} (builders refuse sources
     * over 64 MiB by default), low enough that a misbehaving registry cannot stream forever.
     */
    static final long MAX_SOURCE_BYTES = 512L * 1024 * 1024;

    private final IntakeConfig config;
    private final SourceProxy proxy;
    private final HttpClient http =
            HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();

    public SourceProxyResource(IntakeConfig config, SourceProxy proxy) {
        this.config = config;
        this.proxy = proxy;
    }

    @GET
    @PermitAll
    @Operation(summary = "A private registry's .crate file for a builder (signed URLs only)")
    public Response source(
            @PathParam("name") String name,
            @PathParam("crate") String crate,
            @PathParam("version") String version,
            @QueryParam("sha256") String sha256,
            @QueryParam("url") String url,
            @QueryParam("sig") String sig) {
        IntakeConfig.Registry registry = config.registries().get(name);
        if (registry == null || registry.token().isEmpty()) {
            throw new WebApplicationException(
                    "registry '" + name + "' has no source proxy", Response.Status.NOT_FOUND);
        }
        if (!proxy.verify(name, crate, version, sha256, url, sig)) {
            Log.warnf("Source proxy: refused an unsigned or altered URL for %s@%s", crate, version);
            throw new WebApplicationException(
                    "this source URL was not issued by this scheduler", Response.Status.FORBIDDEN);
        }
        URI upstream =
                SourceProxy.upstream(url)
                        .orElseThrow(
                                () ->
                                        new WebApplicationException(
                                                "not a download URL", Response.Status.BAD_REQUEST));
        HttpResponse<InputStream> answer = fetch(upstream, registry.token().get(), crate, version);
        InputStream body = answer.body();
        long declared = answer.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > MAX_SOURCE_BYTES) {
            closeQuietly(body);
            throw upstreamFailure(crate, version, "is over " + MAX_SOURCE_BYTES + " bytes");
        }
        Response.ResponseBuilder ok =
                Response.ok(
                                (StreamingOutput)
                                        out -> {
                                            try (body) {
                                                copyAtMost(body, out, MAX_SOURCE_BYTES);
                                            }
                                        })
                        .type("application/gzip");
        if (declared >= 0) {
            ok.header("Content-Length", declared);
        }
        return ok.build();
    }

    private HttpResponse<InputStream> fetch(URI first, String token, String crate, String version) {
        URI at = first;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(at).timeout(config.pollTimeout()).GET();
            if (sameOrigin(first, at)) {
                request.header("Authorization", token);
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw upstreamFailure(crate, version, "unreachable: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw upstreamFailure(crate, version, "interrupted");
            }
            int status = response.statusCode();
            if (status == 200) {
                return response;
            }
            closeQuietly(response.body());
            if (status >= 300
                    && status < 400
                    && response.headers().firstValue("Location").isPresent()) {
                at = at.resolve(response.headers().firstValue("Location").get());
                continue;
            }
            throw upstreamFailure(crate, version, "answered " + status);
        }
        throw upstreamFailure(crate, version, "more than " + MAX_REDIRECTS + " redirects");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme())
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    private static WebApplicationException upstreamFailure(
            String crate, String version, String what) {
        Log.warnf("Source proxy: the registry's download of %s@%s %s", crate, version, what);
        return new WebApplicationException(
                "the registry's download of " + crate + "@" + version + " " + what,
                Response.Status.BAD_GATEWAY);
    }

    /** Copies the body, cutting the response off (the builder sees a short file) past the cap. */
    private static void copyAtMost(InputStream in, java.io.OutputStream out, long max)
            throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long copied = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            copied += n;
            if (copied > max) {
                throw new IOException("the registry sent more than " + max + " bytes");
            }
            out.write(buffer, 0, n);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Only the connection's reuse is at stake.
        }
    }
}
