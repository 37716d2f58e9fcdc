package dev.crateforge.scheduler.job;

/** The job's state does not allow the operation (cancel a finished job, retry a queued one). */
public class JobConflictException extends RuntimeException {

    public JobConflictException(String message) {
        super(message);
    }
}
