package dev.crateforge.builder.agent;

import dev.crateforge.protocol.contract.SocketClose;

/**
 * The one line a builder prints before it stops on a close marked {@code stop}: what the gateway
 * said and what the operator can do about it, since retrying cannot help.
 */
final class CloseExplanation {

    private CloseExplanation() {}

    /** The line for {@code close}, received with {@code code} and {@code reason}. */
    static String of(SocketClose close, int code, String reason) {
        String hint =
                switch (close) {
                    case AUTHENTICATION_FAILED ->
                            "check that its key is registered and enabled (see `crateforge-builder"
                                    + " key`)";
                    case BUILDER_REVOKED ->
                            "an operator disabled or removed it; ask them to enable it again";
                    case REPLACED ->
                            "another process connected with the same key; run one builder process"
                                    + " per key";
                    case UNSUPPORTED_VERSION -> "upgrade crateforge-builder";
                    case BINARY_FRAME, MALFORMED_MESSAGE, UNEXPECTED_MESSAGE, MESSAGE_TOO_BIG ->
                            "this builder broke the protocol, a bug of crateforge-builder; report"
                                    + " it with this line";
                    case DRAINING, AUTHENTICATION_TIMED_OUT, SERVER_FAULT, TOO_MANY_PENDING ->
                            "the contract says to reconnect, not to stop";
                };
        return "the gateway refused this builder (" + code + " " + reason + "); " + hint;
    }
}
