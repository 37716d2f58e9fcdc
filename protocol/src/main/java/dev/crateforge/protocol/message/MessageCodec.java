package dev.crateforge.protocol.message;

import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.json.ProtocolJson;

/** Turns builder protocol messages into JSON text frames and back, strictly. */
public final class MessageCodec {

    private MessageCodec() {}

    /** Encodes a message as the text of one WebSocket frame. */
    public static String encode(ClientMessage message) {
        return ProtocolJson.encode(message);
    }

    /** Encodes a message as the text of one WebSocket frame. */
    public static String encode(ServerMessage message) {
        // The handshake's two frames are written once per connection, so they skip the binder.
        if (message instanceof ChallengeRequest challenge) {
            return HandshakeFrames.challengeRequest(challenge);
        }
        if (message instanceof Authenticated authenticated) {
            return HandshakeFrames.authenticated(authenticated);
        }
        return ProtocolJson.encode(message);
    }

    /** Decodes a frame a builder sent. */
    public static ClientMessage decodeClientMessage(String frame) throws ProtocolDecodeException {
        return ProtocolJson.decode(frame, ClientMessage.class);
    }

    /**
     * Decodes a frame a builder sent before it authenticated, when it should be a {@link Hello} or
     * a {@link ChallengeResponse}: the same answer as {@link #decodeClientMessage}, any message
     * type included. Those two are read off the token stream first ({@link HandshakeReader});
     * whatever that reader does not fully accept goes through the strict general decoder, so that
     * what is accepted and refused, and the error's words, are the general decoder's.
     */
    public static ClientMessage decodeHandshakeMessage(String frame)
            throws ProtocolDecodeException {
        if (frame != null && frame.length() <= ProtocolJson.MAX_DOCUMENT_BYTES) {
            ClientMessage handshake = HandshakeReader.read(frame);
            if (handshake != null) {
                return handshake;
            }
        }
        return decodeClientMessage(frame);
    }

    /** Decodes a frame the gateway sent. */
    public static ServerMessage decodeServerMessage(String frame) throws ProtocolDecodeException {
        return ProtocolJson.decode(frame, ServerMessage.class);
    }
}
