package dev.crateforge.builder.job;

import dev.crateforge.protocol.contract.TextLimits;
import dev.crateforge.protocol.message.LogStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads one output stream of a build and reports it line by line. A line longer than {@link
 * TextLimits#MAX_LOG_LINE_BYTES} UTF-8 bytes is sent as several pieces cut on code point
 * boundaries, as docs/protocol.md §4 asks, and is never held whole in memory (a build may print a
 * gigabyte without a newline). Output past the job's budget (in UTF-8 bytes, shared by stdout and
 * stderr) is not forwarded: one notice says so and the {@link Listener} is told, which stops the
 * build ({@code log_limit}); the pipe is still drained meanwhile so the build never blocks.
 */
final class OutputPump implements Runnable {

    /** Pieces are cut once this many characters are buffered: always at least two full pieces. */
    private static final int FLUSH_CHARS = 2 * TextLimits.MAX_LOG_LINE_BYTES;

    private final InputStream in;
    private final LogStream stream;
    private final JobReporter reporter;
    private final AtomicLong budget;
    private final long limit;
    private final Listener listener;
    private final StringBuilder line = new StringBuilder();
    private boolean lineStarted;
    private volatile String firstLine;

    /**
     * @param budget bytes still allowed for this job, shared by its stdout and stderr pumps
     * @param limit the whole budget, for the notice
     * @param listener told of every piece of output and of the budget running out
     */
    OutputPump(
            InputStream in,
            LogStream stream,
            JobReporter reporter,
            AtomicLong budget,
            long limit,
            Listener listener) {
        this.in = in;
        this.stream = stream;
        this.reporter = reporter;
        this.budget = budget;
        this.limit = limit;
        this.listener = listener;
    }

    /** What the build's output means for its limits. */
    interface Listener {
        /** A piece of a line arrived (forwarded or not). */
        void output(String piece);

        /** The output budget ran out; called once per job. */
        void overLimit(long limit);
    }

    /** The first line (or first piece of it) the stream carried, or null; read after the pump. */
    String firstLine() {
        return firstLine;
    }

    @Override
    public void run() {
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buffer = new char[8192];
            int n;
            while ((n = reader.read(buffer)) != -1) {
                for (int i = 0; i < n; i++) {
                    accept(buffer[i]);
                }
            }
            if (!line.isEmpty()) {
                endLine();
            }
        } catch (IOException e) {
            // the process was killed and its pipe closed; whatever was read has been reported
        }
    }

    private void accept(char c) {
        if (c == '\n') {
            endLine();
            return;
        }
        line.append(c);
        if (line.length() >= FLUSH_CHARS) {
            // all full pieces go now; the last one stays, as the line may go on (and it holds
            // any high surrogate at the end, so a pair is never cut)
            List<String> pieces =
                    TextLimits.splitUtf8(line.toString(), TextLimits.MAX_LOG_LINE_BYTES);
            pieces.subList(0, pieces.size() - 1).forEach(this::emit);
            line.setLength(0);
            line.append(pieces.get(pieces.size() - 1));
            lineStarted = true;
        }
    }

    private void endLine() {
        int length = line.length();
        if (length > 0 && line.charAt(length - 1) == '\r') {
            line.setLength(length - 1);
        }
        if (!line.isEmpty() || !lineStarted) {
            TextLimits.splitUtf8(line.toString(), TextLimits.MAX_LOG_LINE_BYTES)
                    .forEach(this::emit);
        }
        line.setLength(0);
        lineStarted = false;
    }

    private void emit(String piece) {
        if (firstLine == null) {
            firstLine = piece;
        }
        listener.output(piece);
        long bytes = TextLimits.utf8Length(piece) + 1L;
        long left = budget.addAndGet(-bytes);
        if (left >= 0) {
            reporter.log(stream, piece);
        } else if (left + bytes >= 0) {
            reporter.log(
                    LogStream.BUILDER,
                    "output past " + limit + " bytes: the build is stopped (log_limit)");
            listener.overLimit(limit);
        }
    }
}
