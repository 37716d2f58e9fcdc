package dev.crateforge.localstack.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * Sends a POSIX signal to a process with the {@code kill} command: the JDK itself sends only TERM
 * and KILL, and fault tests also need STOP, CONT and QUIT.
 */
final class Signals {

    private Signals() {}

    /**
     * Sends {@code signal} (a name without {@code SIG}, such as {@code STOP}) to {@code target}.
     */
    static void send(ProcessHandle target, String signal) {
        try {
            Process kill =
                    new ProcessBuilder("kill", "-s", signal, Long.toString(target.pid()))
                            .redirectErrorStream(true)
                            .start();
            String output = new String(kill.getInputStream().readAllBytes()).strip();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException(
                        "kill -s " + signal + " " + target.pid() + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -s " + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal, e);
        }
    }
}
