package dev.crateforge.builder.job;

/**
 * A job attempt failed for a reason the operator and the submitter should read: the message becomes
 * the {@code failureReason} of the {@code job_response}, so it must be precise and must never
 * contain a secret.
 */
public class JobFailure extends Exception {

    private static final long serialVersionUID = 1L;

    public JobFailure(String reason) {
        super(reason);
    }

    public JobFailure(String reason, Throwable cause) {
        super(reason, cause);
    }
}
