package dev.crateforge.scheduler.limits;

/** A request to set a crate's limits is invalid: answered with 422 naming {@link #field()}. */
public class InvalidCrateLimitsException extends RuntimeException {

    private final String field;

    public InvalidCrateLimitsException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
