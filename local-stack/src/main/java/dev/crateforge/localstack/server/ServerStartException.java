package dev.crateforge.localstack.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A server did not come up. The message names the server, its port and its log file, and quotes the
 * end of that log, because that is the first thing anyone looking at a red build needs.
 */
public final class ServerStartException extends RuntimeException {

    private static final int QUOTED_LINES = 15;

    private final String server;
    private final int port;
    private final Path logFile;

    public ServerStartException(
            String server, int port, Path logFile, String problem, Throwable cause) {
        super(
                server
                        + " did not start on 127.0.0.1:"
                        + port
                        + ": "
                        + problem
                        + "; log: "
                        + logFile
                        + tail(logFile),
                cause);
        this.server = server;
        this.port = port;
        this.logFile = logFile;
    }

    public String server() {
        return server;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    private static String tail(Path logFile) {
        if (!Files.exists(logFile)) {
            return " (not written yet)";
        }
        try {
            List<String> lines = Files.readAllLines(logFile);
            List<String> last =
                    lines.subList(Math.max(0, lines.size() - QUOTED_LINES), lines.size());
            return last.isEmpty() ? " (empty)" : ", ending:\n  " + String.join("\n  ", last);
        } catch (IOException | RuntimeException e) {
            return " (unreadable: " + e.getMessage() + ")";
        }
    }
}
