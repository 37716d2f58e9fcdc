package dev.crateforge.protocol.message;

/**
 * WebSocket close codes and reasons the gateway uses. Authentication failures of every kind share
 * one code and one reason on purpose, so that a peer cannot tell an unknown key from a bad
 * signature.
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
    public static final String AUTHENTICATION_FAILED = "authentication failed";

    /** The builder did not authenticate within the deadline. */
    public static final String AUTHENTICATION_TIMEOUT = "authentication timed out";

    /** Too many connections are waiting to authenticate. */
    public static final String TOO_MANY_PENDING = "too many connections awaiting authentication";

    /** The builder was disabled or deleted by an operator. */
    public static final String BUILDER_REVOKED = "builder disabled or removed";

    /** The same builder connected again; this older connection is replaced. */
    public static final String REPLACED = "replaced by a newer connection of this builder";

    private CloseCodes() {}
}
