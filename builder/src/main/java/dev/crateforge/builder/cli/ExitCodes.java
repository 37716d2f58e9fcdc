package dev.crateforge.builder.cli;

/** The builder's exit codes, documented in docs/builder.md. */
public final class ExitCodes {

    /** Stopped normally. */
    public static final int OK = 0;

    /** An unexpected error while running. */
    public static final int FAILURE = 1;

    /** Bad usage or configuration: unknown option, missing gateway, unreadable key or config. */
    public static final int USAGE = 2;

    /** The gateway closed with a close marked stop (1008 authentication failed, …): see why. */
    public static final int REFUSED = 3;

    /** No working sandbox, and the operator did not say {@code --sandbox none}. */
    public static final int NO_SANDBOX = 4;

    private ExitCodes() {}
}
