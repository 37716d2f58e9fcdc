package dev.crateforge.protocol.message;

/** Constants of the builder WebSocket protocol that both ends must agree on. */
public final class BuilderProtocol {

    /** The protocol version this library speaks, sent in {@link Hello}. */
    public static final int VERSION = 1;

    /** The WebSocket path of the gateway. */
    public static final String PATH = "/builders/v1";

    /** The SSHSIG namespace of the challenge signature. */
    public static final String AUTH_NAMESPACE = "builder-auth@crateforge.dev";

    /** The SSHSIG namespace of the build statement signature. */
    public static final String BUILD_NAMESPACE = "build@crateforge.dev";

    /** Number of random bytes in a challenge. */
    public static final int CHALLENGE_BYTES = 32;

    private BuilderProtocol() {}
}
