package dev.crateforge.scheduler.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The console's sign-in: how the session cookie is set and which origin a form may be posted from.
 * The token itself is checked with the operator-token settings ({@code mp.jwt.verify.*}).
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
}
