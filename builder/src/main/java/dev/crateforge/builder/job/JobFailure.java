package dev.crateforge.builder.job;

import dev.crateforge.protocol.contract.FailureCode;

/**
 * A job attempt failed for a reason the operator and the submitter should read: the message becomes
 * the {@code failureReason} of the {@code job_response}, so it must be precise and must never
 * contain a secret. The {@link FailureCode} says whose fault it was, so that the scheduler retries
 * a fault of the machine and never shows it as the crate's.
 */
public class JobFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final FailureCode code;

    public JobFailure(FailureCode code, String reason) {
        super(reason);
        this.code = code;
    }

    public JobFailure(FailureCode code, String reason, Throwable cause) {
        super(reason, cause);
        this.code = code;
    }

    /** Whose fault the failure is, for the {@code failureCode} of the response. */
    public FailureCode code() {
        return code;
    }

    /**
     * What an exception says, never "null": its message, or its class when it has none (a {@code
     * ConnectException} or a timeout often carries no message).
     */
    public static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank()
                ? e.getClass().getName()
                : e.getClass().getSimpleName() + ": " + message;
    }
}
