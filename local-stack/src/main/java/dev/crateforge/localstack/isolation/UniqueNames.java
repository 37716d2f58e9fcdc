package dev.crateforge.localstack.isolation;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names for per-run databases, topic prefixes and buckets that no other run of any JVM sharing the
 * same servers will pick: a counter for readability plus random bits for uniqueness across JVMs.
 */
public final class UniqueNames {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private UniqueNames() {}

    /** Lower-case letters, digits and {@code separator}: valid for PostgreSQL, Kafka and S3. */
    public static String next(String stem, char separator) {
        byte[] bytes = new byte[5];
        RANDOM.nextBytes(bytes);
        return stem
                + separator
                + COUNTER.incrementAndGet()
                + separator
                + HexFormat.of().formatHex(bytes);
    }
}
