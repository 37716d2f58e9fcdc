package dev.crateforge.scheduler.intake;

import dev.crateforge.scheduler.job.JobRepository;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
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
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The source proxy of private registries (see {@link SourceProxy}): a builder GETs a job's source
 * URL here without credentials; a URL this scheduler signed is fetched from the registry with the
 * registry's token and streamed back unchanged (the builder checks the SHA-256 as for any source).
 * Redirects are followed by hand, and the token goes only to the origin of the registry's download
 * URL: a registry that redirects to a CDN never hands its token to the CDN. Every hop is judged as
 * the intake judges download URLs (no private or loopback address unless the registry allows them,
 * http(s) only, never from https down to http), so a registry's redirect cannot turn the scheduler
 * into a client of the cluster's own services; and the addresses judged are the ones connected to
 * ({@link VettedResolver}), so a host cannot pass the check with one DNS answer and be reached at
 * another. A signed URL is served only while a build of that source is assigned or running, and at
 * most {@value #MAX_CONCURRENT_FETCHES} at once: a URL seen elsewhere is no standing download link.
 * Neither the token nor the signature is logged.
 */
@Path(SourceProxy.PATH)
@Tag(name = "registries")
public class SourceProxyResource {

    private static final int MAX_REDIRECTS = 5;

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    /**
     * The most this proxy relays of one file: what the reference builder accepts of a source by
     * default, so that a misbehaving registry cannot stream forever.
     */
    static final long MAX_SOURCE_BYTES = 64L * 1024 * 1024;

    /** Fetches relayed at once; more are answered 429 so that the API keeps its threads. */
    static final int MAX_CONCURRENT_FETCHES = 8;

    private final IntakeConfig config;
    private final SourceProxy proxy;
    private final JobRepository jobs;
    private final Semaphore fetches = new Semaphore(MAX_CONCURRENT_FETCHES);
    private final CloseableHttpClient publicOnly;
    private final CloseableHttpClient anyAddress;

    public SourceProxyResource(IntakeConfig config, SourceProxy proxy, JobRepository jobs) {
        this.config = config;
        this.proxy = proxy;
        this.jobs = jobs;
        this.publicOnly = client(false);
        this.anyAddress = client(true);
    }

    /**
     * An HTTP client that resolves names only through a {@link VettedResolver}, follows no redirect
     * itself (each hop is judged here) and hands the bytes on as the registry sent them: no content
     * decoding, which would change what the builder's checksum is taken of.
     */
    private CloseableHttpClient client(boolean allowPrivateAddresses) {
        int timeout = Math.toIntExact(config.pollTimeout().toMillis());
        return HttpClients.custom()
                .setDnsResolver(new VettedResolver(allowPrivateAddresses))
                .setDefaultRequestConfig(
                        RequestConfig.custom()
                                .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
                                .setConnectionRequestTimeout(CONNECT_TIMEOUT_MILLIS)
                                .setSocketTimeout(timeout)
                                .setRedirectsEnabled(false)
                                .build())
                .disableRedirectHandling()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAutomaticRetries()
                .setMaxConnTotal(MAX_CONCURRENT_FETCHES)
                .setMaxConnPerRoute(MAX_CONCURRENT_FETCHES)
                .build();
    }

    @PreDestroy
    void close() throws IOException {
        publicOnly.close();
        anyAddress.close();
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
            // Only the registry's name is logged: the other values are not known to be ours.
            Log.warnf("Source proxy: refused an unsigned or altered URL of registry %s", name);
            throw new WebApplicationException(
                    "this source URL was not issued by this scheduler", Response.Status.FORBIDDEN);
        }
        if (!jobs.isBeingBuilt(crate, version, sha256)) {
            throw new WebApplicationException(
                    "no build of " + crate + "@" + version + " is assigned or running",
                    Response.Status.FORBIDDEN);
        }
        URI upstream =
                SourceProxy.upstream(url)
                        .orElseThrow(
                                () ->
                                        new WebApplicationException(
                                                "not a download URL", Response.Status.BAD_REQUEST));
        if (!fetches.tryAcquire()) {
            throw new WebApplicationException(
                    Response.status(429)
                            .header("Retry-After", "5")
                            .entity("the source proxy is busy; retry in a few seconds")
                            .build());
        }
        try {
            return relay(fetch(upstream, registry, crate, version), crate, version);
        } catch (RuntimeException e) {
            fetches.release();
            throw e;
        }
    }

    /** The registry's answer streamed back; the fetch's permit is released when it is sent. */
    private Response relay(CloseableHttpResponse answer, String crate, String version) {
        HttpEntity entity = answer.getEntity();
        long declared = entity == null ? 0 : entity.getContentLength();
        if (declared > MAX_SOURCE_BYTES) {
            closeQuietly(answer);
            throw upstreamFailure(crate, version, "is over " + MAX_SOURCE_BYTES + " bytes");
        }
        Response.ResponseBuilder ok =
                Response.ok(
                                (StreamingOutput)
                                        out -> {
                                            try (answer) {
                                                if (entity != null) {
                                                    InputStream body = entity.getContent();
                                                    copyAtMost(body, out, MAX_SOURCE_BYTES);
                                                }
                                            } finally {
                                                fetches.release();
                                            }
                                        })
                        .type("application/gzip");
        if (declared >= 0) {
            ok.header("Content-Length", declared);
        }
        return ok.build();
    }

    private CloseableHttpResponse fetch(
            URI first, IntakeConfig.Registry registry, String crate, String version) {
        IntakePolicy policy = new IntakePolicy(registry);
        CloseableHttpClient http = registry.allowPrivateAddresses() ? anyAddress : publicOnly;
        String token = registry.token().orElseThrow();
        URI at = first;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            Optional<String> refused = policy.refuseDownload(at.toString());
            if (refused.isPresent()) {
                throw upstreamFailure(crate, version, "was refused: " + refused.get());
            }
            HttpGet request = new HttpGet(at);
            if (sameOrigin(first, at)) {
                request.setHeader("Authorization", token);
            }
            CloseableHttpResponse response;
            try {
                response = http.execute(request);
            } catch (VettedResolver.PrivateAddressRefused e) {
                throw upstreamFailure(
                        crate,
                        version,
                        "was refused: the download URL points at a private address");
            } catch (IOException e) {
                Log.warnf("Source proxy: fetching %s@%s failed: %s", crate, version, e.toString());
                throw upstreamFailure(crate, version, "is unreachable");
            }
            int status = response.getStatusLine().getStatusCode();
            if (status == 200) {
                return response;
            }
            closeQuietly(response);
            Header location = response.getFirstHeader("Location");
            if (status >= 300 && status < 400 && location != null) {
                at = nextHop(at, location.getValue(), crate, version);
                continue;
            }
            throw upstreamFailure(crate, version, "answered " + status);
        }
        throw upstreamFailure(crate, version, "more than " + MAX_REDIRECTS + " redirects");
    }

    /** Where a redirect leads: an http(s) URL with a host, never from https down to http. */
    private static URI nextHop(URI at, String location, String crate, String version) {
        URI next;
        try {
            next = at.resolve(location);
        } catch (IllegalArgumentException e) {
            throw upstreamFailure(crate, version, "redirected to a malformed URL");
        }
        Optional<URI> web = SourceProxy.upstream(next.toString());
        if (web.isEmpty()) {
            throw upstreamFailure(crate, version, "redirected to a URL that is not http(s)");
        }
        if ("https".equals(at.getScheme()) && !"https".equals(next.getScheme())) {
            throw upstreamFailure(crate, version, "redirected from https to http");
        }
        return web.get();
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

    private static void closeQuietly(CloseableHttpResponse response) {
        try {
            response.close();
        } catch (IOException ignored) {
            // Only the connection's reuse is at stake.
        }
    }
}
