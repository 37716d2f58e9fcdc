package dev.crateforge.builder.config;

/** Whether builds run inside a bubblewrap sandbox. */
public enum SandboxMode {
    /**
     * Use bubblewrap when {@code bwrap} is on the PATH, otherwise run unsandboxed with a warning.
     */
    AUTO,
    /** Always use bubblewrap; refuse to start without it. */
    BWRAP,
    /** Never sandbox (for machines that are themselves disposable build VMs). */
    NONE
}
