package dev.crateforge.protocol.provenance;

/**
 * A provenance envelope that is malformed, unsigned by the expected key, or about another build.
 * The message says precisely what is wrong and never quotes the peer's bytes.
 */
public class ProvenanceException extends Exception {
    public ProvenanceException(String message) {
        super(message);
    }
}
