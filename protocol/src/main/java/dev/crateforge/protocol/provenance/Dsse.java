package dev.crateforge.protocol.provenance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The signing rule of DSSE (Dead Simple Signing Envelope, secure-systems-lab/dsse protocol.md): a
 * signature covers {@code PAE(payloadType, payload)}, never the bare payload, so that a payload
 * cannot be replayed under another type.
 */
public final class Dsse {

    /** The payload type of an in-toto statement. */
    public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

    private Dsse() {}

    /**
     * Pre-Authentication Encoding: {@code "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}, with
     * LEN the byte length in ASCII decimal without leading zeros and {@code type} in UTF-8.
     */
    public static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + type.length + 32);
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        return out.toByteArray();
    }
}
