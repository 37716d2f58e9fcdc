package dev.crateforge.artifact.service;

/**
 * The refusals of reads (downloads, provenance, listings) that are not answers to an upload and so
 * are not in the protocol's {@code UploadOutcome} table: a builder never receives them. A read with
 * a malformed path is refused as the upload outcome {@code bad_path}, the same answer an upload to
 * such a path gets.
 */
public enum ReadRefusal {
    /** Nothing is stored under this path (or the artifact kind does not exist). */
    NOT_FOUND(404, "not_found"),
    /** The {@code Range} lies outside the artifact. */
    RANGE_NOT_SATISFIABLE(416, "range_not_satisfiable"),
    /** The builds of a reproduction have not disagreed: there is no comparison to ask for. */
    NOT_DISAGREED(409, "not_disagreed");

    private final int status;
    private final String reason;

    ReadRefusal(int status, String reason) {
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }
}
