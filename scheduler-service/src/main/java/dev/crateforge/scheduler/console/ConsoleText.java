package dev.crateforge.scheduler.console;

import io.quarkus.qute.TemplateExtension;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Untrusted text made fit to show: build output carries terminal colour codes and other control
 * characters that mean nothing in a page. HTML is escaped by Qute itself; this only removes what
 * escaping leaves.
 */
@TemplateExtension
public final class ConsoleText {

    /** ANSI escape sequences (CSI, OSC, and two-character ones), then any other C0 control. */
    private static final Pattern TERMINAL_CODES =
            Pattern.compile(
                    "\\u001B\\[[0-?]*[ -/]*[@-~]|\\u001B\\][^\\u0007\\u001B]*(\\u0007|\\u001B\\\\)?"
                            + "|\\u001B[@-_]|[\\u0000-\\u0008\\u000B-\\u001F\\u007F]");

    /** Times to the second, in UTC, as people read them; the exact value is in the datetime. */
    private static final DateTimeFormatter SHOWN_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private ConsoleText() {}

    /** The moment to the second, in UTC. */
    public static String shown(Instant at) {
        return at == null ? "" : SHOWN_TIME.format(at);
    }

    /** The text without terminal codes and control characters (tabs and newlines stay). */
    public static String plain(String text) {
        return text == null ? "" : TERMINAL_CODES.matcher(text).replaceAll("");
    }
}
