package dev.crateforge.gateway.service;

/** A builder with the same key fingerprint is already registered. */
public final class DuplicateKeyException extends RuntimeException {

    public DuplicateKeyException(String fingerprint) {
        super("a builder with key fingerprint " + fingerprint + " is already registered");
    }
}
