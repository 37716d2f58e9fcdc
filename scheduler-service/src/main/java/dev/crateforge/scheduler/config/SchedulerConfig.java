package dev.crateforge.scheduler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every tunable of the scheduler under {@code crateforge.scheduler}: queue policy, leases, retries,
 * log limits and the job-token keys. Defaults suit a small farm; operators override them per
 * deployment.
 */
@ConfigMapping(prefix = "crateforge.scheduler")
public interface SchedulerConfig {

    /** Target triples that jobs may be submitted for. */
    @WithDefault(
            "x86_64-unknown-linux-gnu,aarch64-unknown-linux-gnu,x86_64-unknown-linux-musl,"
                    + "aarch64-unknown-linux-musl,x86_64-apple-darwin,aarch64-apple-darwin,"
                    + "x86_64-pc-windows-msvc,aarch64-pc-windows-msvc,wasm32-unknown-unknown,"
                    + "wasm32-wasip1")
    List<String> targets();

    /**
     * Base URL of the artifact service; upload URLs are {@code
     * <base>/api/v1/jobs/{id}/artifacts/{kind}}.
     */
    @WithDefault("http://localhost:8082")
    String artifactBaseUrl();

    /**
     * Base URL at which people reach the artifact service, for the console's download and
     * provenance links; {@link #artifactBaseUrl()} when absent (they are the same in a local run).
     */
    Optional<String> publicArtifactUrl();

    /** How long an assignment lives without a job event before the job is requeued. */
    @WithDefault("PT2M")
    Duration lease();

    /** The builder's time budget for one attempt; also the lifetime of the job token. */
    @WithDefault("PT1H")
    Duration jobTimeout();

    /** Attempts a new job gets (a retry grants this many again). */
    @WithDefault("3")
    int maxAttempts();

    /**
     * How many times a job is requeued for failures that are not the crate's (a completion with an
     * infrastructure or sandbox_error code) before it fails with failure code {@code
     * infrastructure}. They do not use up {@code max-attempts}.
     */
    @WithDefault("10")
    int infrastructureRetries();

    /** Backoff before the second attempt; it doubles with every further attempt. */
    @WithDefault("PT10S")
    Duration backoffInitial();

    /** The longest backoff. */
    @WithDefault("PT10M")
    Duration backoffMax();

    /** How long a job waits for its builder to reconnect before it is requeued. */
    @WithDefault("PT30S")
    Duration disconnectGrace();

    /** How long a completion waits for its artifact-stored records before the job fails. */
    @WithDefault("PT1M")
    Duration completionWait();

    /**
     * How long, past its backoff, a job that lost an attempt to a builder's fault (a failure that
     * was not the crate's, an expired lease, a builder gone) waits for another builder before the
     * same builder may take it again. Zero turns the rule off.
     */
    @WithDefault("PT2M")
    Duration retryElsewhere();

    /**
     * How many independent builds on different builders must agree before a hand-submitted job's
     * artifacts are published, unless the submission says; 1 builds once.
     */
    @WithDefault("1")
    int reproduce();

    /**
     * How many disagreements with the majority of a reproduction put a builder in quarantine (no
     * more jobs until an operator clears it).
     */
    @WithDefault("3")
    int quarantineAfterDisagreements();

    /** Most log bytes stored per job attempt; then one truncation marker line. */
    @WithDefault("4194304")
    long logCapBytes();

    /** Most jobs in one batch submission. */
    @WithDefault("1000")
    int batchMax();

    /** Largest page of the job list. */
    @WithDefault("500")
    int pageMax();

    /** How long a closed connection is remembered, so that its late requests are refused. */
    @WithDefault("PT1H")
    Duration closedConnectionMemory();

    /** How often each replica sweeps for overdue attempts (a Quarkus scheduler period). */
    @WithDefault("5s")
    String sweepInterval();

    /**
     * Safety net: how often waiting requests are matched again even without a signal (a job skipped
     * while another transaction held its row, a notification lost with its connection).
     */
    @WithDefault("30s")
    String rematchInterval();

    /** How often the queue-depth gauges are recounted. */
    @WithDefault("15s")
    String queueMetricsInterval();

    /**
     * How long the log lines of a finished job are kept after it finished; older ones are deleted
     * by the log retention, a batch of jobs per transaction. {@code 0} keeps logs for ever.
     */
    @WithDefault("P30D")
    Duration logRetention();

    /** How often each replica runs the log retention (a Quarkus scheduler period). */
    @WithDefault("10m")
    String logRetentionInterval();

    /** Job-token signing keys. */
    Token token();

    /** Job-token settings. */
    interface Token {
        /**
         * PEM (PKCS#8) EC P-256 private key that signs job tokens. Unset: a key is generated at
         * start, which only suits a single development replica.
         */
        Optional<String> signingKeyLocation();

        /** PEM public keys of retired signing keys, still listed in the JWKS during an overlap. */
        Optional<List<String>> previousPublicKeyLocations();

        /** The {@code iss} of job tokens. */
        @WithDefault("crateforge-scheduler")
        String issuer();

        /** The {@code aud} of job tokens: the artifact service. */
        @WithDefault("crateforge-artifacts")
        String audience();
    }
}
