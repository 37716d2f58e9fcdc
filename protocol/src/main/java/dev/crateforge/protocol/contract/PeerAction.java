package dev.crateforge.protocol.contract;

/**
 * What a builder must do when it receives an answer of the contract. Every entry of {@link
 * SocketError}, {@link SocketClose} and {@link UploadOutcome} names exactly one, so that a builder
 * in any language can be written as one switch over this type, and the reference builder is.
 */
public enum PeerAction {
    /** Nothing: the message or upload was taken. */
    DONE("nothing: it was taken"),
    /** The same message or request again, after an exponential backoff; it was not taken. */
    RETRY_WITH_BACKOFF("send the same message or request again with exponential backoff"),
    /** A new {@code job_request} once a slot is free or after a backoff. */
    ASK_AGAIN("send a new job_request when a slot is free (or after a backoff)"),
    /**
     * Stop the attempt now, upload and report nothing more of it, free its slot and ask again: the
     * attempt is no longer this builder's, and the scheduler has already moved the job on.
     */
    ABANDON_JOB("stop the attempt, send nothing more for it, free its slot and ask again"),
    /**
     * End the attempt with {@code job_response} result {@code failed} and {@code failureCode}
     * {@code infrastructure}: a fault of the builder or of CrateForge, never of the crate; the job
     * is retried, on another builder when one exists.
     */
    REPORT_INFRASTRUCTURE_FAILURE(
            "end the attempt as failed with failureCode infrastructure; the job is retried"),
    /** End the attempt as failed with the failure code the entry names: the crate's own fault. */
    REPORT_CRATE_FAILURE("end the attempt as failed with the failure code named; it is final"),
    /** Reconnect at once, without backoff: another replica answers. */
    RECONNECT_NOW("reconnect at once"),
    /** Reconnect with the exponential backoff of the protocol (1 s doubling to 60 s, jitter). */
    RECONNECT_WITH_BACKOFF("reconnect with exponential backoff"),
    /**
     * Do not retry in a loop: the builder's registration, key or code is wrong and a person must
     * fix it. On a close the reference builder exits; on an {@code error} (no allowed target) it
     * waits the longest backoff before asking again, since an operator may fix the registration.
     */
    STOP(
            "tell the operator; retrying cannot help (on a close: exit; on an error: wait the"
                    + " longest backoff before asking again, in case an operator fixed it)");

    private final String description;

    PeerAction(String description) {
        this.description = description;
    }

    /** One line for the documentation tables. */
    public String description() {
        return description;
    }
}
