package dev.crateforge.scheduler.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The console's sign-in (how the session cookie is set and which origin a form may be posted from)
 * and the other services it reaches: the gateway's admin API for the builders page, and the
 * gateway's and artifact service's readiness for the health page. The token itself is checked with
 * the operator-token settings ({@code mp.jwt.verify.*}).
 */
@ConfigMapping(prefix = "crateforge.console")
public interface ConsoleConfig {

    /**
     * Whether the session cookie is marked Secure (sent over HTTPS only). Only a plain-http test or
     * development run turns it off.
     */
    @WithDefault("true")
    boolean secureCookie();

    /** The longest a console session lasts, however long the pasted token still lives. */
    @WithDefault("PT8H")
    Duration sessionMax();

    /**
     * The console's origin as browsers see it ({@code https://farm.example.org}), which every
     * posted form's Origin (or Referer) must match. When absent, the request's own scheme and Host
     * header; set it behind a proxy that terminates TLS.
     */
    Optional<String> origin();

    /**
     * Base URL of the gateway's admin API as the scheduler reaches it (a cluster-internal address),
     * for the builders page: the registry is listed, and builders are registered, disabled and
     * deleted, with the signed-in operator's own token.
     */
    @WithDefault("http://localhost:8080")
    String gatewayUrl();

    /**
     * Base URL of the artifact service as the scheduler reaches it, for the health page; {@code
     * crateforge.scheduler.artifact-base-url} when absent.
     */
    Optional<String> artifactUrl();

    /**
     * How long a call to the gateway's admin API may take before the page says it did not answer.
     */
    @WithDefault("PT5S")
    Duration gatewayTimeout();

    /** How long the health page waits for each service's readiness (they are asked in parallel). */
    @WithDefault("PT2S")
    Duration healthTimeout();
}
