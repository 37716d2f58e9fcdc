package dev.crateforge.messaging.consume;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How a consumer waits for a dependency that is down ({@code crateforge.consumer-retry.*}), the
 * same keys in every service.
 */
@ConfigMapping(prefix = "crateforge.consumer-retry")
public interface ConsumerRetryConfig {

    /** First pause of a consumer waiting for the database or broker to come back; it doubles. */
    @WithDefault("PT0.2S")
    Duration initial();

    /** Longest pause of a consumer waiting for the database or broker. */
    @WithDefault("PT5S")
    Duration max();
}
