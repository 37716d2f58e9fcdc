package dev.crateforge.builder.job;

import dev.crateforge.protocol.contract.TextLimits;
import dev.crateforge.protocol.message.LogStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads one output stream of a build and reports it line by line, splitting lines longer than the
 * protocol's limit and dropping everything past the job's output budget (while still draining the
 * pipe, so the build never blocks on a full pipe).
 */
final class OutputPump implements Runnable {

    private final InputStream in;
    private final LogStream stream;
    private final JobReporter reporter;
    private final AtomicLong budget;
    private final long limit;

    /**
     * @param budget bytes still allowed for this job, shared by its stdout and stderr pumps
     */
    OutputPump(
            InputStream in, LogStream stream, JobReporter reporter, AtomicLong budget, long limit) {
        this.in = in;
        this.stream = stream;
        this.reporter = reporter;
        this.budget = budget;
        this.limit = limit;
    }

    @Override
    public void run() {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 16384)) {
            StringBuilder line = new StringBuilder();
            int lineBytes = 0;
            int c;
            while ((c = reader.read()) != -1) {
                if (c == '\n') {
                    emit(line);
                    lineBytes = 0;
                } else {
                    // Split on the protocol's limit in UTF-8 bytes, never inside a surrogate pair.
                    if (!Character.isLowSurrogate((char) c)
                            && lineBytes + 4 > TextLimits.MAX_LOG_LINE_BYTES) {
                        emit(line);
                        lineBytes = 0;
                    }
                    line.append((char) c);
                    lineBytes +=
                            c < 0x80
                                    ? 1
                                    : c < 0x800 ? 2 : Character.isLowSurrogate((char) c) ? 1 : 3;
                }
            }
            if (!line.isEmpty()) {
                emit(line);
            }
        } catch (IOException e) {
            // the process was killed and its pipe closed; whatever was read has been reported
        }
    }

    private void emit(StringBuilder line) {
        int length = line.length();
        if (length > 0 && line.charAt(length - 1) == '\r') {
            line.setLength(length - 1);
        }
        long left = budget.addAndGet(-(line.length() + 1L));
        if (left >= 0) {
            reporter.log(stream, line.toString());
        } else if (left + line.length() + 1 >= 0) {
            reporter.log(
                    LogStream.BUILDER,
                    "output past " + limit + " bytes is not forwarded (the build goes on)");
        }
        line.setLength(0);
    }
}
