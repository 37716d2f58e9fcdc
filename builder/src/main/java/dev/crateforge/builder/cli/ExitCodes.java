package dev.crateforge.builder.cli;

/** The builder's exit codes, documented in docs/builder.md. */
public final class ExitCodes {

    /** Stopped normally. */
    public static final int OK = 0;

    /** An unexpected error while running. */
    public static final int FAILURE = 1;

    /** Bad usage or configuration: unknown option, missing gateway, unreadable key or config. */
    public static final int USAGE = 2;

    /** The gateway refused this builder (close code 1008): check its registration. */
    public static final int REFUSED = 3;

    private ExitCodes() {}
}
