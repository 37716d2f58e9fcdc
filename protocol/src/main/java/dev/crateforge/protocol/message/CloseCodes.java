package dev.crateforge.protocol.message;

import dev.crateforge.protocol.contract.SocketClose;

/**
 * Shorthands for the close codes and reasons of {@link SocketClose}, which is the contract and also
 * says what a builder does on each close. WebSocket close codes and reasons the gateway uses.
 * Authentication failures of every kind share one code and one reason on purpose, so that a peer
 * cannot tell an unknown key from a bad signature.
 */
public final class CloseCodes {

    /** The gateway is shutting down or draining; reconnect (to another replica). */
    public static final int GOING_AWAY = 1001;

    /** A binary frame: the protocol is JSON text only. */
    public static final int UNSUPPORTED_DATA = 1003;

    /** Authentication failed, a message came out of order or could not be decoded. */
    public static final int POLICY_VIOLATION = 1008;

    /** A frame larger than the limit in force. */
    public static final int MESSAGE_TOO_BIG = 1009;

    /** The gateway failed; reconnect with backoff. */
    public static final int INTERNAL_ERROR = 1011;

    /** The one reason of every authentication failure. */
    public static final String AUTHENTICATION_FAILED = SocketClose.AUTHENTICATION_FAILED.reason();

    /** The builder did not authenticate within the deadline. */
    public static final String AUTHENTICATION_TIMEOUT =
            SocketClose.AUTHENTICATION_TIMED_OUT.reason();

    /** Too many connections are waiting to authenticate. */
    public static final String TOO_MANY_PENDING = SocketClose.TOO_MANY_PENDING.reason();

    /** The builder was disabled or deleted by an operator. */
    public static final String BUILDER_REVOKED = SocketClose.BUILDER_REVOKED.reason();

    /** The same builder connected again; this older connection is replaced. */
    public static final String REPLACED = SocketClose.REPLACED.reason();

    private CloseCodes() {}
}
