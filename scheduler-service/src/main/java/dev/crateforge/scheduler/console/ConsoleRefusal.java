package dev.crateforge.scheduler.console;

/**
 * A console request that is refused or failed, shown as a page with its status and a message that
 * says what to do; nothing was changed.
 */
public class ConsoleRefusal extends RuntimeException {

    private final int status;
    private final String title;

    public ConsoleRefusal(int status, String title, String message) {
        super(message);
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
