package dev.crateforge.protocol.provenance;

import static dev.crateforge.protocol.json.Fields.list;
import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.text;

import java.util.List;

/**
 * A DSSE JSON envelope (secure-systems-lab/dsse envelope.md): the base64 of the payload, its type,
 * and signatures over {@link Dsse#pae}. Sizes are bounded so that an envelope always fits a
 * protocol message.
 *
 * @param payload standard base64 of the serialized payload
 * @param signatures one or more; CrateForge's builders add exactly one
 */
public record DsseEnvelope(String payloadType, String payload, List<Signature> signatures) {

    /** Largest base64 payload accepted (a statement is a few KiB). */
    public static final int MAX_PAYLOAD_CHARS = 64 * 1024;

    public DsseEnvelope {
        nonBlank(payloadType, "payloadType", 256);
        nonBlank(payload, "payload", MAX_PAYLOAD_CHARS);
        signatures = list(signatures, "signatures", 4);
        if (signatures.isEmpty()) {
            throw new IllegalArgumentException("field 'signatures' is empty");
        }
    }

    /**
     * One signature.
     *
     * @param keyid a hint naming the key (CrateForge: {@link
     *     dev.crateforge.protocol.ssh.RawSignatures#keyId}); never trusted for a decision
     * @param sig standard base64 of the signature over {@code PAE(payloadType, payload)}
     */
    public record Signature(String keyid, String sig) {
        public Signature {
            text(keyid == null ? "" : keyid, "keyid", 256);
            nonBlank(sig, "sig", 4096);
        }
    }
}
