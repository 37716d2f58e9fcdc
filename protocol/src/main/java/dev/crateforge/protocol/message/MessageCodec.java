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
        return ProtocolJson.encode(message);
    }

    /** Decodes a frame a builder sent. */
    public static ClientMessage decodeClientMessage(String frame) throws ProtocolDecodeException {
        return ProtocolJson.decode(frame, ClientMessage.class);
    }

    /** Decodes a frame the gateway sent. */
    public static ServerMessage decodeServerMessage(String frame) throws ProtocolDecodeException {
        return ProtocolJson.decode(frame, ServerMessage.class);
    }
}
