package dev.crateforge.builder.agent;

import dev.crateforge.builder.config.BuilderSettings;
import dev.crateforge.builder.console.Console;
import dev.crateforge.builder.job.JobControl;
import dev.crateforge.builder.job.JobReporter;
import dev.crateforge.builder.retry.Backoff;
import dev.crateforge.protocol.contract.TextLimits;
import dev.crateforge.protocol.job.BuildStage;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.JobEvent;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.message.LogStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A job attempt from its assignment until its response is accepted or it is abandoned: its cancel
 * switch, its event numbering, every event sent for it (kept for a resend until the response is
 * accepted, docs/protocol.md §6) and its response.
 */
final class Attempt implements JobReporter {

    /** Bytes of events kept per attempt for a resend beyond the build output budget. */
    private static final long RETAINED_OVERHEAD_BYTES = 1L << 20;

    /** What an event costs in memory beyond its text, roughly. */
    private static final long EVENT_OVERHEAD_BYTES = 64;

    final JobAssignment job;
    final long order;
    final JobControl control = new JobControl();

    /** Delays of sending this attempt's messages again after {@code unavailable}. */
    final Backoff backoff;

    private final BlockingDeque<Object> outbox;
    private final Console console;
    private final long retainLimit;
    private final List<JobEvent> retained = new ArrayList<>();
    private long seq;
    private long retainedBytes;
    private boolean retainFull;
    private boolean abandoned;
    private JobResponse response;
    private long lastProgressQuarter = -1;

    /**
     * @param order when the attempt was taken, for resending attempts in that order
     * @param outbox where its messages are queued for the gateway
     */
    Attempt(
            JobAssignment job,
            long order,
            BuilderSettings settings,
            BlockingDeque<Object> outbox,
            Console console) {
        this.job = job;
        this.order = order;
        this.outbox = outbox;
        this.console = console;
        this.backoff =
                new Backoff(
                        settings.backoffMin(), settings.backoffMax(), ThreadLocalRandom.current());
        // the output limit of this job, which an operator's override may raise up to the maximum
        this.retainLimit =
                settings.limits().forJob(job.limits(), capped -> {}).maxOutputBytes()
                        + RETAINED_OVERHEAD_BYTES;
    }

    BuilderAgent.JobKey key() {
        return new BuilderAgent.JobKey(job.jobId(), job.attempt());
    }

    String label() {
        return "job "
                + job.jobId()
                + " #"
                + job.attempt()
                + " "
                + job.crate()
                + "@"
                + job.version();
    }

    synchronized boolean running() {
        return response == null && !abandoned;
    }

    synchronized boolean responded() {
        return response != null;
    }

    /** Stops the attempt and everything it would still send; idempotent. */
    void abandon(String reason) {
        synchronized (this) {
            abandoned = true;
            retained.clear();
            response = null;
        }
        control.cancel(reason);
        outbox.removeIf(this::mine);
    }

    /** True for an event or response of this attempt. */
    private boolean mine(Object item) {
        return item instanceof JobEvent e
                        && e.jobId().equals(job.jobId())
                        && e.attempt().equals(job.attempt())
                || item instanceof JobResponse r
                        && r.jobId().equals(job.jobId())
                        && r.attempt().equals(job.attempt());
    }

    /** Records and queues the response; false when the attempt was abandoned meanwhile. */
    synchronized boolean respond(JobResponse signed) {
        if (abandoned) {
            return false;
        }
        response = signed;
        outbox.addLast(signed);
        return true;
    }

    /**
     * What to send again after {@code unavailable}: the response once there is one (its events were
     * taken), else everything kept, as after a reconnect.
     */
    synchronized List<Object> takeForRetry() {
        if (abandoned) {
            return List.of();
        }
        if (response != null) {
            outbox.remove(response);
            return List.of(response);
        }
        return takeForResend();
    }

    /**
     * Everything to send again for this attempt, in order: its events (those still queued are taken
     * out of the queue so that each goes once, in seq order), then its response.
     */
    synchronized List<Object> takeForResend() {
        if (abandoned) {
            return List.of();
        }
        List<JobEvent> queued = new ArrayList<>();
        outbox.removeIf(
                item -> {
                    if (!mine(item)) {
                        return false;
                    }
                    if (item instanceof JobEvent event) {
                        queued.add(event);
                    }
                    return true;
                });
        TreeMap<Long, JobEvent> bySeq = new TreeMap<>();
        for (JobEvent event : retained) {
            bySeq.put(event.seq(), event);
        }
        for (JobEvent event : queued) {
            bySeq.putIfAbsent(event.seq(), event);
        }
        List<Object> items = new ArrayList<>(bySeq.values());
        if (response != null) {
            items.add(response);
        }
        return items;
    }

    @Override
    public void stage(BuildStage stage) {
        console.info(label() + ": " + stage);
        emit(new JobEventBody.StageChanged(stage));
    }

    @Override
    public void log(LogStream stream, String line) {
        emit(new JobEventBody.Log(stream, line));
    }

    @Override
    public void uploadProgress(long sent, long total) {
        long quarter = total == 0 ? 4 : Math.min(4, sent * 4 / total);
        synchronized (this) {
            if (quarter == lastProgressQuarter) {
                return;
            }
            lastProgressQuarter = quarter;
        }
        console.info(
                label()
                        + ": uploaded "
                        + (quarter * 25)
                        + "% ("
                        + sent
                        + " of "
                        + total
                        + " bytes)");
    }

    /**
     * Numbers the event, keeps it for a resend (within the job's memory bound) and queues it; the
     * lock keeps queue order equal to seq order.
     */
    synchronized void emit(JobEventBody body) {
        if (abandoned || response != null) {
            return;
        }
        JobEvent event = new JobEvent(job.jobId(), job.attempt(), ++seq, body);
        retain(event, body);
        outbox.addLast(event);
    }

    private void retain(JobEvent event, JobEventBody body) {
        if (retainFull) {
            return;
        }
        long size =
                EVENT_OVERHEAD_BYTES
                        + (body instanceof JobEventBody.Log log
                                ? TextLimits.utf8Length(log.line())
                                : 0);
        if (retainedBytes + size > retainLimit) {
            retainFull = true;
            console.warn(
                    label()
                            + ": more than "
                            + retainLimit
                            + " bytes of events; later ones are sent once and not kept for a"
                            + " resend after a reconnect");
            return;
        }
        retainedBytes += size;
        retained.add(event);
    }
}
