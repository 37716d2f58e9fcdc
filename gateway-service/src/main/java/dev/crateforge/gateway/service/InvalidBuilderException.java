package dev.crateforge.gateway.service;

/** A registration or update that cannot be accepted; the message says precisely why. */
public final class InvalidBuilderException extends RuntimeException {

    public InvalidBuilderException(String message) {
        super(message);
    }
}
