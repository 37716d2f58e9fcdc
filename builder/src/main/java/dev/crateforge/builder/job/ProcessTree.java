package dev.crateforge.builder.job;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Kills a process together with all its descendants. */
public final class ProcessTree {

    private ProcessTree() {}

    /**
     * Kills the descendants first (collected before anything dies, since a dead parent's children
     * are re-parented and no longer found), then the process itself, and waits briefly for it.
     */
    public static void kill(ProcessHandle root) {
        List<ProcessHandle> descendants = root.descendants().toList();
        root.destroyForcibly();
        for (ProcessHandle p : descendants) {
            p.destroyForcibly();
        }
        try {
            root.onExit().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // it was sent SIGKILL; nothing more can be done
        }
    }
}
