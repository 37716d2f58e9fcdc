package dev.crateforge.builder.console;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * Concise progress lines for the operator watching the terminal: connected, job taken, stage,
 * upload progress, result. Not a log framework on purpose: an operator wants one line per event,
 * not a logger's category and thread.
 */
public final class Console {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final PrintStream err;

    public Console(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** The process's own standard streams. */
    public static Console system() {
        return new Console(System.out, System.err);
    }

    public void info(String message) {
        synchronized (out) {
            out.println(TIME.format(LocalTime.now()) + " " + message);
            out.flush();
        }
    }

    public void warn(String message) {
        synchronized (err) {
            err.println(TIME.format(LocalTime.now()) + " warning: " + message);
            err.flush();
        }
    }

    public void error(String message) {
        synchronized (err) {
            err.println(TIME.format(LocalTime.now()) + " error: " + message);
            err.flush();
        }
    }
}
