package dev.crateforge.localstack.benchmark;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * What the machine did to everyone while a benchmark phase ran: how much of the time some task was
 * ready to run but waited for a CPU (Linux pressure stall information, {@code /proc/pressure/cpu}),
 * and the garbage-collection pauses of this JVM. A latency report beside it tells a stall of the
 * code under test from one of the machine: a slow request whose whole window was spent with tasks
 * queued for the two cores was not slow because of anything it did.
 *
 * <p>Times are milliseconds since the {@code origin} the caller gives ({@link System#nanoTime()} of
 * the phase's start), the same clock its latency report uses.
 */
public final class MachineStalls implements AutoCloseable {

    private static final Path CPU_PRESSURE = Path.of("/proc/pressure/cpu");
    private static final Path CPU_TIMES = Path.of("/proc/stat");

    /** A pause of this JVM's collector: when it began and how long it took, in ms. */
    public record Pause(String collector, double atMs, double durationMs) {}

    private final long origin;
    private final Duration period;

    /** ms since the origin → microseconds some task had waited for a CPU, since boot. */
    private final TreeMap<Long, Long> stalled = new TreeMap<>();

    /** ms since the origin → the machine's CPU time taken by the hypervisor (steal), in ticks. */
    private final TreeMap<Long, long[]> stolen = new TreeMap<>();

    private final List<Pause> pauses = new ArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener onCollection = this::collected;
    private final Thread sampler;
    private final CountDownLatch firstSample = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile String failure;

    private MachineStalls(long origin, Duration period) {
        this.origin = origin;
        this.period = period;
        this.sampler = new Thread(this::sample, "machine-stalls");
        sampler.setDaemon(true);
    }

    /**
     * Starts sampling and returns once the first sample is taken (or sampling is not possible here:
     * no pressure information, as on kernels before 4.20 or with it turned off); {@link #close()}
     * stops it.
     */
    public static MachineStalls sample(long origin, Duration period) throws InterruptedException {
        MachineStalls stalls = new MachineStalls(origin, period);
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(stalls.onCollection, null, null);
                stalls.emitters.add(emitter);
            }
        }
        stalls.sampler.start();
        if (!stalls.firstSample.await(1, TimeUnit.MINUTES)) {
            stalls.close();
            throw new IllegalStateException("the machine stall sampler did not start");
        }
        return stalls;
    }

    private void sample() {
        try {
            while (running) {
                long at = (System.nanoTime() - origin) / 1_000_000;
                long total = someTotal(Files.readString(CPU_PRESSURE));
                long[] times = stealAndTotal(Files.readString(CPU_TIMES));
                synchronized (this) {
                    stalled.put(at, total);
                    stolen.put(at, times);
                }
                firstSample.countDown();
                Thread.sleep(period.toMillis());
            }
        } catch (IOException | RuntimeException e) {
            failure = "no CPU pressure information (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            firstSample.countDown();
        }
    }

    /** The {@code total=} of the {@code some} line: microseconds since boot. */
    static long someTotal(String pressure) {
        for (String line : pressure.split("\n")) {
            if (line.startsWith("some ")) {
                for (String field : line.split(" ")) {
                    if (field.startsWith("total=")) {
                        return Long.parseLong(field.substring("total=".length()));
                    }
                }
            }
        }
        throw new IllegalArgumentException("no 'some ... total=' line in " + pressure);
    }

    /**
     * From the {@code cpu} line of {@code /proc/stat}: the steal ticks (time a virtual machine's
     * CPUs were ready but the host ran something else, invisible to the pressure figures) and all
     * ticks.
     */
    static long[] stealAndTotal(String stat) {
        String cpu = stat.lines().filter(l -> l.startsWith("cpu ")).findFirst().orElseThrow();
        String[] fields = cpu.trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < fields.length && i <= 8; i++) {
            total += Long.parseLong(fields[i]);
        }
        long steal = fields.length > 8 ? Long.parseLong(fields[8]) : 0;
        return new long[] {steal, total};
    }

    private void collected(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        // The notification comes right after the collection; its own times are on the JVM's
        // uptime clock, so the end is taken as now and the start as now minus the duration.
        double duration = info.getGcInfo().getDuration();
        double end = (System.nanoTime() - origin) / 1e6;
        synchronized (this) {
            pauses.add(new Pause(info.getGcName(), end - duration, duration));
        }
    }

    /**
     * The share (0-1) of {@code [fromMs, toMs]} during which some task waited for a CPU, from the
     * two samples around the window (so at least one period's resolution), or of the part of it
     * that was sampled; negative when none of it was.
     */
    public synchronized double cpuWaitShare(double fromMs, double toMs) {
        if (stalled.isEmpty()) {
            return -1;
        }
        Map.Entry<Long, Long> before = stalled.floorEntry((long) Math.floor(fromMs));
        Map.Entry<Long, Long> after = stalled.ceilingEntry((long) Math.ceil(toMs));
        before = before == null ? stalled.firstEntry() : before;
        after = after == null ? stalled.lastEntry() : after;
        if (after.getKey() <= before.getKey()) {
            return -1;
        }
        double microseconds = after.getValue() - before.getValue();
        return Math.min(1.0, microseconds / 1000.0 / (after.getKey() - before.getKey()));
    }

    /** Pauses of this JVM that overlap {@code [fromMs, toMs]}. */
    public synchronized List<Pause> pausesDuring(double fromMs, double toMs) {
        return pauses.stream()
                .filter(p -> p.atMs() < toMs && p.atMs() + p.durationMs() > fromMs)
                .toList();
    }

    /**
     * One window in words: {@code "CPU wait 64 %, GC 12 ms"}, or {@code "CPU wait 64 %"} without a
     * pause.
     */
    public String describe(double fromMs, double toMs) {
        double share = cpuWaitShare(fromMs, toMs);
        String cpu =
                share < 0
                        ? "CPU wait unknown"
                        : String.format(Locale.ROOT, "CPU wait %.0f %%", share * 100);
        double paused = pausesDuring(fromMs, toMs).stream().mapToDouble(Pause::durationMs).sum();
        return paused > 0 ? String.format(Locale.ROOT, "%s, GC %.0f ms", cpu, paused) : cpu;
    }

    /**
     * The whole phase: the share of it some task waited for a CPU, and this JVM's pauses (count,
     * longest).
     */
    public synchronized String report() {
        if (failure != null && stalled.size() < 2) {
            return failure;
        }
        double share = cpuWaitShare(stalled.firstKey(), stalled.lastKey());
        double longest = pauses.stream().mapToDouble(Pause::durationMs).max().orElse(0);
        long[] first = stolen.firstEntry().getValue();
        long[] last = stolen.lastEntry().getValue();
        long ticks = last[1] - first[1];
        double steal = ticks <= 0 ? 0 : (double) (last[0] - first[0]) / ticks;
        return String.format(
                Locale.ROOT,
                "some task waited for a CPU %.0f %% of the phase; the host took %.1f %% of the"
                        + " CPUs' time (steal); %d GC pauses in this JVM, longest %.0f ms",
                share * 100,
                steal * 100,
                pauses.size(),
                longest);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join();
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(onCollection);
            } catch (ListenerNotFoundException e) {
                // Not registered: nothing to remove.
            }
        }
    }
}
