package dev.crateforge.artifact.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Upload throughput through the service against a direct AWS SDK PUT to the same S3 server in the
 * same run, and the peak heap while a 1 GiB upload goes through a service started with a small
 * heap. Runs only on request (it writes gigabytes); see docs/performance-artifact.md:
 *
 * <pre>./mvnw -B -ntp -pl artifact-service -am verify \
 *   -Dtest=UploadBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dtest.jvm.args="-Xmx256m -XX:+UseSerialGC"</pre>
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class UploadBenchmark {

    private static final long GIB = 1024L * 1024 * 1024;
    private static final long SIZE = Long.getLong("crateforge.benchmark.bytes", GIB);
    private static final int ROUNDS = Integer.getInteger("crateforge.benchmark.rounds", 3);

    @Inject ArtifactCatalog catalog;
    @Inject S3Client s3;

    @ConfigProperty(name = "artifact.s3.bucket")
    String bucket;

    @TestHTTPResource URL base;

    @Test
    void uploadThroughputAndPeakHeap() throws Exception {
        List<Double> service = new ArrayList<>();
        List<Double> direct = new ArrayList<>();
        long peakHeap = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            s3.putObject(
                    p -> p.bucket(bucket).key("bench/direct-" + UUID.randomUUID()),
                    RequestBody.fromInputStream(new PatternStream(SIZE), SIZE));
            direct.add(mibPerSecond(SIZE, System.nanoTime() - start));

            TestJobs job =
                    new TestJobs(
                                    catalog,
                                    "bench" + round + UUID.randomUUID().toString().substring(0, 6),
                                    "1.0.0",
                                    ArtifactKind.BINARY)
                            .moveTo(1, JobState.RUNNING);
            HeapWatcher heap = HeapWatcher.start();
            start = System.nanoTime();
            int status = put(job, SIZE);
            long elapsed = System.nanoTime() - start;
            peakHeap = Math.max(peakHeap, heap.stop());
            assertThat(status).isEqualTo(201);
            service.add(mibPerSecond(SIZE, elapsed));
        }
        double serviceMedian = median(service);
        double directMedian = median(direct);
        long maxHeap = Runtime.getRuntime().maxMemory();
        System.out.printf(
                Locale.ROOT,
                "BENCHMARK size=%d MiB rounds=%d direct=%s MiB/s service=%s MiB/s ratio=%.2f"
                        + " peakHeapUsed=%d MiB maxHeap=%d MiB%n",
                SIZE >> 20,
                ROUNDS,
                direct,
                service,
                serviceMedian / directMedian,
                peakHeap >> 20,
                maxHeap >> 20);
        assertThat(peakHeap).isLessThan(maxHeap);
    }

    private int put(TestJobs job, long size) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(base, job.uploadPath()).openConnection();
        c.setRequestMethod("PUT");
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(size);
        c.setRequestProperty("Authorization", "Bearer " + job.token(1));
        c.setRequestProperty("Content-Type", "application/octet-stream");
        try (OutputStream out = c.getOutputStream();
                InputStream in = new PatternStream(size)) {
            in.transferTo(out);
        }
        int status = c.getResponseCode();
        c.disconnect();
        return status;
    }

    private static double mibPerSecond(long bytes, long nanos) {
        return Math.round(bytes / 1048576.0 / (nanos / 1e9) * 10) / 10.0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }

    /** Generated bytes, never held in memory. */
    static final class PatternStream extends InputStream {
        private final byte[] block = new byte[64 * 1024];
        private long left;

        PatternStream(long size) {
            this.left = size;
            new java.util.Random(42).nextBytes(block);
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            return block[(int) (left % block.length)] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(Math.min(len, left), block.length);
            System.arraycopy(block, 0, b, off, n);
            left -= n;
            return n;
        }
    }

    /** Samples heap use every 5 ms: the highest value seen is the peak. */
    static final class HeapWatcher {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong peak = new AtomicLong();
        private final Thread thread;

        private HeapWatcher() {
            thread =
                    new Thread(
                            () -> {
                                var memory = ManagementFactory.getMemoryMXBean();
                                while (running.get()) {
                                    peak.accumulateAndGet(
                                            memory.getHeapMemoryUsage().getUsed(), Math::max);
                                    try {
                                        Thread.sleep(5);
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                            },
                            "heap-watcher");
            thread.setDaemon(true);
        }

        static HeapWatcher start() {
            HeapWatcher w = new HeapWatcher();
            w.thread.start();
            return w;
        }

        long stop() throws InterruptedException {
            running.set(false);
            thread.join();
            return peak.get();
        }
    }
}
