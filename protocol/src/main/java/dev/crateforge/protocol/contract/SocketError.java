package dev.crateforge.protocol.contract;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every {@code code} of the {@code error} message the gateway sends. (There is no "too many jobs":
 * the gateway caps a request at the builder's limit, and the scheduler counts the attempts a
 * builder holds, so a builder can never be told it is busy when it is not.)
 *
 * <p>An {@code error} refuses one message and leaves the connection open; what the builder does
 * next is {@link #action()}.
 *
 * <p>The gateway only ever sends these codes and the reference builder reacts to each as written
 * here; docs/protocol.md and docs/asyncapi.yaml are checked against this table by a test.
 */
public enum SocketError {
    INVALID_SIGNATURE(
            "invalid_signature",
            "the job_response's signature does not verify with the builder's registered key",
            PeerAction.ABANDON_JOB),
    INVALID_STATEMENT(
            "invalid_statement",
            "the job_response's statement is malformed or disagrees with the response",
            PeerAction.ABANDON_JOB),
    NO_ALLOWED_TARGET(
            "no_allowed_target",
            "none of the requested targets is allowed for this builder",
            PeerAction.STOP),
    UNKNOWN_JOB(
            "unknown_job",
            "the message names a job attempt this builder does not hold",
            PeerAction.ABANDON_JOB),
    UNAVAILABLE(
            "unavailable",
            "the message could not be handed on durably; it was not taken",
            PeerAction.RETRY_WITH_BACKOFF);

    private final String wireName;
    private final String meaning;
    private final PeerAction action;

    SocketError(String wireName, String meaning, PeerAction action) {
        this.wireName = wireName;
        this.meaning = meaning;
        this.action = action;
    }

    /** The {@code code} on the wire. */
    public String wireName() {
        return wireName;
    }

    /** What the code means, for the documentation and the operator's log. */
    public String meaning() {
        return meaning;
    }

    /** What the builder does when it receives the code. */
    public PeerAction action() {
        return action;
    }

    /** True when sending the same thing again later can succeed. */
    public boolean retriable() {
        return action == PeerAction.RETRY_WITH_BACKOFF;
    }

    /** The entry for a wire code, if it is one of the contract's. */
    public static Optional<SocketError> fromWireName(String code) {
        return Arrays.stream(values()).filter(e -> e.wireName.equals(code)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
