package dev.crateforge.builder.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a running builder needs to know, resolved once from the command line, environment and
 * config file, so that the agent and the job classes never look at picocli or the environment.
 *
 * @param gateway the gateway's WebSocket URL, {@code wss://host/builders/v1}
 * @param targets the target triples this builder offers
 * @param slots how many jobs run at once
 * @param workDir where job directories are made (and removed)
 * @param cargo the cargo executable
 * @param sandbox whether to wrap cargo in bubblewrap
 * @param allowNetwork whether cargo may use the network during a build
 * @param limits size and time caps of one job
 * @param heartbeatInterval how often a running job reports a heartbeat (at most 30 s)
 * @param gracePeriod how long SIGTERM waits for running jobs
 * @param backoffMin first reconnect delay
 * @param backoffMax largest reconnect delay; also the wait before asking again for work after
 *     {@code no_allowed_target}
 * @param uploadRetryBudget how long an upload is retried (with backoff) before the attempt fails as
 *     {@code infrastructure}; never longer than the attempt's time budget
 * @param keepWorkDirs keep job directories after the job for debugging
 */
public record BuilderSettings(
        URI gateway,
        List<String> targets,
        int slots,
        Path workDir,
        Path cargo,
        SandboxMode sandbox,
        boolean allowNetwork,
        JobLimits limits,
        Duration heartbeatInterval,
        Duration gracePeriod,
        Duration backoffMin,
        Duration backoffMax,
        Duration uploadRetryBudget,
        boolean keepWorkDirs) {

    public BuilderSettings {
        targets = List.copyOf(targets);
    }
}
