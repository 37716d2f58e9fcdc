package dev.crateforge.protocol.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/**
 * Why a job attempt failed, typed so that the one question every build farm is asked — was it the
 * crate or the machine? — has an answer a program can act on. A failure of the crate (or of what
 * was submitted) is final; an {@link Fault#INFRASTRUCTURE infrastructure} failure is never the
 * crate's: the scheduler retries it with backoff, on another builder when one exists.
 */
public enum FailureCode {
    BUILD_FAILED(
            "build_failed",
            Fault.CRATE,
            "the build failed and the builder did not say more (the code of a job_response that"
                    + " names none)"),
    COMPILE_ERROR("compile_error", Fault.CRATE, "cargo exited with an error"),
    TIMEOUT("timeout", Fault.CRATE, "the build ran out of its time budget"),
    NO_OUTPUT("no_output", Fault.CRATE, "the build printed nothing for too long"),
    OUT_OF_MEMORY("out_of_memory", Fault.CRATE, "the build exceeded its memory limit"),
    DISK_LIMIT("disk_limit", Fault.CRATE, "the build exceeded its disk limit"),
    LOG_LIMIT("log_limit", Fault.CRATE, "the build printed more than its log limit"),
    PROCESS_LIMIT("process_limit", Fault.CRATE, "the build started more processes than its limit"),
    ARTIFACT_TOO_LARGE(
            "artifact_too_large", Fault.CRATE, "an artifact is larger than the limit for its kind"),
    SOURCE_MISMATCH(
            "source_mismatch",
            Fault.SUBMISSION,
            "the bytes at the source URL do not have the submitted SHA-256, or are not a crate"),
    SANDBOX_ERROR(
            "sandbox_error", Fault.INFRASTRUCTURE, "the builder's sandbox could not run the build"),
    INFRASTRUCTURE(
            "infrastructure",
            Fault.INFRASTRUCTURE,
            "a fault of the builder or of CrateForge (fetch error, full disk, store unavailable,"
                    + " lost connection)"),
    OTHER(
            "other",
            Fault.INFRASTRUCTURE,
            "a code this version does not know, sent by a newer peer: retried like a fault of the"
                    + " machine (within the infrastructure retries) until this side learns it, since"
                    + " a fault of ours must never end a job as the crate's; the failure reason says"
                    + " more");

    /** Whose fault a failure is. */
    public enum Fault {
        /** The crate's own: final. */
        CRATE,
        /**
         * What was submitted (its URL or checksum) is wrong: final until the submission is fixed.
         */
        SUBMISSION,
        /** Ours or the builder's: retried, never shown as the crate's failure. */
        INFRASTRUCTURE
    }

    private final String wireName;
    private final Fault fault;
    private final String meaning;

    FailureCode(String wireName, Fault fault, String meaning) {
        this.wireName = wireName;
        this.fault = fault;
        this.meaning = meaning;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public Fault fault() {
        return fault;
    }

    public String meaning() {
        return meaning;
    }

    /** True when the scheduler tries the job again rather than ending it. */
    public boolean retried() {
        return fault == Fault.INFRASTRUCTURE;
    }

    public static Optional<FailureCode> fromWireName(String name) {
        return Arrays.stream(values()).filter(c -> c.wireName.equals(name)).findFirst();
    }

    /**
     * The code a peer sent; a code this version does not know is {@link #OTHER}, never an error:
     * new codes are added as builders learn new limits, and a gateway or scheduler one version
     * behind must still take the failure (docs/protocol.md §8).
     */
    @JsonCreator
    public static FailureCode fromJson(String name) {
        return fromWireName(name).orElse(OTHER);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
