package dev.crateforge.messaging.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The outbox relay's settings ({@code crateforge.outbox.*}). */
@ConfigMapping(prefix = "crateforge.outbox")
public interface OutboxConfig {

    /**
     * How often the relay looks for rows even when nobody woke it: rows written by a replica that
     * died before relaying them. A replica's own rows are relayed as soon as they commit.
     */
    @WithDefault("PT0.5S")
    Duration pollInterval();

    /** Most rows relayed per pass (one claim, one send of all, one delete). */
    @WithDefault("500")
    int batchSize();

    /** How long the relay waits for the broker's acknowledgement before it tries the pass again. */
    @WithDefault("PT30S")
    Duration sendTimeout();

    /** Pause after a failed pass (broker or database down) before the next try. */
    @WithDefault("PT1S")
    Duration retryPause();
}
