package dev.crateforge.builder.job;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The cancel switch of one running job. Cancelling kills the job's current process and every
 * descendant of it, so that a build script's grandchildren do not outlive the build.
 */
public final class JobControl {

    private final AtomicReference<Process> process = new AtomicReference<>();
    private volatile String cancelReason;
    private volatile Thread worker;

    /** Cancels the job: kills its process tree and interrupts its thread. Idempotent. */
    public void cancel(String reason) {
        if (cancelReason == null) {
            cancelReason = reason;
        }
        Process p = process.get();
        if (p != null) {
            ProcessTree.kill(p.toHandle());
        }
        Thread t = worker;
        if (t != null) {
            t.interrupt();
        }
    }

    public boolean cancelled() {
        return cancelReason != null;
    }

    /** Throws if the job was cancelled; called between steps. */
    public void checkNotCancelled() throws JobAbandoned {
        if (cancelReason != null) {
            throw new JobAbandoned(cancelReason);
        }
    }

    void attach(Thread thread) {
        this.worker = thread;
    }

    void detach() {
        this.worker = null;
    }

    /** Registers the job's running process; kills it at once if the job is already cancelled. */
    void started(Process p) {
        process.set(p);
        if (cancelReason != null) {
            ProcessTree.kill(p.toHandle());
        }
    }

    void finished() {
        process.set(null);
    }
}
