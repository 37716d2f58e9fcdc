package dev.crateforge.scheduler.submission;

/** A submitted job is invalid; {@link #field()} names the JSON field (with its batch index). */
public class InvalidSubmissionException extends RuntimeException {

    private final String field;

    public InvalidSubmissionException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
