package dev.crateforge.builder.config;

/**
 * Whether builds run inside a bubblewrap sandbox. The sandbox is the security boundary between a
 * crate's build scripts and the builder (its key, its network, its other jobs), so it is on unless
 * the operator explicitly says {@code none}: a builder that cannot sandbox refuses to start.
 */
public enum SandboxMode {
    /**
     * The best sandbox this machine has (today: bubblewrap); refuse to start when none works. Never
     * runs unsandboxed.
     */
    AUTO,
    /** Bubblewrap; refuse to start when it is missing or cannot run a command. */
    BWRAP,
    /**
     * Never sandbox (for machines that are themselves disposable build VMs); said loudly at start,
     * in the {@code hello} agent and in every provenance.
     */
    NONE
}
