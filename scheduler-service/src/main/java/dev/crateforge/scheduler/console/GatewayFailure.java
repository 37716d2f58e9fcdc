package dev.crateforge.scheduler.console;

/**
 * The gateway's admin API refused a call, or did not answer. The message is the gateway's own
 * problem detail, or says that the gateway could not be reached; it never holds the token.
 */
public class GatewayFailure extends RuntimeException {

    /** No HTTP status: the gateway did not answer (refused connection, timeout). */
    public static final int UNREACHABLE = 0;

    private final int status;

    public GatewayFailure(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The gateway's HTTP status, or {@link #UNREACHABLE}. */
    public int status() {
        return status;
    }

    /**
     * The status the console answers with: the gateway's refusal, or 502 when it did not answer.
     */
    public int consoleStatus() {
        return status == UNREACHABLE || status >= 500 ? 502 : status;
    }
}
