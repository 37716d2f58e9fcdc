package dev.crateforge.protocol.contract;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every way the gateway closes a builder's WebSocket: the close code, the reason text (or its fixed
 * prefix, when a detail follows), and what the builder does next. Authentication failures of every
 * kind share one code and one reason on purpose, so that a peer cannot tell an unknown key from a
 * bad signature.
 *
 * <p>The action depends on the reason, not only on the code: 1008 for a bad key must stop a
 * builder, 1008 for an authentication timeout on a slow link must not.
 */
public enum SocketClose {
    DRAINING(1001, "gateway is shutting down", false, PeerAction.RECONNECT_NOW),
    BINARY_FRAME(
            1003, "binary frames are not supported; send JSON text frames", false, PeerAction.STOP),
    AUTHENTICATION_FAILED(1008, "authentication failed", false, PeerAction.STOP),
    AUTHENTICATION_TIMED_OUT(
            1008, "authentication timed out", false, PeerAction.RECONNECT_WITH_BACKOFF),
    UNSUPPORTED_VERSION(1008, "unsupported protocol version: ", true, PeerAction.STOP),
    MALFORMED_MESSAGE(1008, "malformed message: ", true, PeerAction.STOP),
    UNEXPECTED_MESSAGE(1008, "unexpected message: ", true, PeerAction.STOP),
    BUILDER_REVOKED(1008, "builder disabled or removed", false, PeerAction.STOP),
    REPLACED(1008, "replaced by a newer connection of this builder", false, PeerAction.STOP),
    MESSAGE_TOO_BIG(1009, "message too big: ", true, PeerAction.STOP),
    SERVER_FAULT(1011, "internal error", false, PeerAction.RECONNECT_WITH_BACKOFF),
    TOO_MANY_PENDING(
            1013,
            "too many connections awaiting authentication",
            false,
            PeerAction.RECONNECT_WITH_BACKOFF);

    /** Close reasons are at most 123 bytes of UTF-8 (RFC 6455, section 5.5). */
    public static final int MAX_REASON_BYTES = 123;

    private final int code;
    private final String reason;
    private final boolean detailFollows;
    private final PeerAction action;

    SocketClose(int code, String reason, boolean detailFollows, PeerAction action) {
        this.code = code;
        this.reason = reason;
        this.detailFollows = detailFollows;
        this.action = action;
    }

    /** The WebSocket close code. */
    public int code() {
        return code;
    }

    /** The reason text, or its prefix when {@link #detailFollows()}. */
    public String reason() {
        return reason;
    }

    /** True when the reason is this prefix followed by a precise detail. */
    public boolean detailFollows() {
        return detailFollows;
    }

    /** What the builder does on this close. */
    public PeerAction action() {
        return action;
    }

    /**
     * The reason text to send: the fixed reason, or the prefix and {@code detail}, cut to the 123
     * bytes a close frame can carry.
     */
    public String reasonWith(String detail) {
        String text = detailFollows ? reason + detail : reason;
        return TextLimits.cutUtf8(text, MAX_REASON_BYTES);
    }

    /** The entry for a close a builder received, if it is one of the contract's. */
    public static Optional<SocketClose> recognise(int code, String reason) {
        String text = reason == null ? "" : reason;
        return Arrays.stream(values())
                .filter(c -> c.code == code)
                .filter(c -> c.detailFollows ? text.startsWith(c.reason) : text.equals(c.reason))
                .findFirst();
    }
}
