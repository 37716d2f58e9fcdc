package dev.crateforge.localstack.child;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The first main of every server's child JVM: {@code ChildMain <parent-pid> <real-main> args...}.
 *
 * <p>It watches the process that started it and exits when that process is gone, however it went
 * (normal exit, Ctrl-C, {@code kill -9}). Exiting runs the server's own shutdown hooks, which is
 * what stops PostgreSQL's native processes and lets Kafka close its logs; a server that hangs in
 * them is halted after a grace period. Without this, a test JVM killed by a timeout would leave
 * servers holding ports and disk until someone noticed.
 */
public final class ChildMain {

    /** How long the server's shutdown hooks may take once the parent is gone. */
    private static final long GRACE_SECONDS = 20;

    private ChildMain() {}

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: ChildMain <parent-pid> <main-class> [args...]");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        watch(parentPid);
        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watch(long parentPid) {
        ProcessHandle.of(parentPid)
                .ifPresentOrElse(
                        parent -> parent.onExit().thenRun(ChildMain::parentGone),
                        ChildMain::parentGone);
    }

    private static void parentGone() {
        System.err.println("local-stack: parent process is gone, stopping");
        Thread halter =
                new Thread(
                        () -> {
                            try {
                                TimeUnit.SECONDS.sleep(GRACE_SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            Runtime.getRuntime().halt(1);
                        },
                        "local-stack-halter");
        halter.setDaemon(true);
        halter.start();
        // System.exit must not run on the watcher's own thread pool forever; a new thread is cheap.
        new Thread(() -> System.exit(0), "local-stack-exit").start();
    }
}
