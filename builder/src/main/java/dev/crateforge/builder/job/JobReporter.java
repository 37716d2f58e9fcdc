package dev.crateforge.builder.job;

import dev.crateforge.protocol.job.BuildStage;
import dev.crateforge.protocol.message.LogStream;

/**
 * Where a running job reports what happens to it. The agent turns each call into a numbered {@code
 * job_event}; tests collect them.
 */
public interface JobReporter {

    /** The job moved to another stage. */
    void stage(BuildStage stage);

    /** One line of output, without its terminator and at most 16384 bytes of UTF-8. */
    void log(LogStream stream, String line);

    /** Upload progress, for the terminal only (not sent to the gateway). */
    default void uploadProgress(long sent, long total) {}
}
