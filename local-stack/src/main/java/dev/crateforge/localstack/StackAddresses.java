package dev.crateforge.localstack;

import java.util.Properties;

/**
 * The addresses of one running stack, and their form in an attach file (Java properties), which is
 * how a second JVM finds servers that another one started.
 */
public record StackAddresses(PostgresAddress postgres, KafkaAddress kafka, S3Address s3) {

    public Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("postgres.host", postgres.host());
        p.setProperty("postgres.port", Integer.toString(postgres.port()));
        p.setProperty("postgres.username", postgres.username());
        p.setProperty("postgres.password", postgres.password());
        p.setProperty("postgres.jdbc-url", postgres.jdbcUrl("postgres"));
        p.setProperty("kafka.bootstrap-servers", kafka.bootstrapServers());
        p.setProperty("s3.endpoint", s3.endpoint());
        p.setProperty("s3.access-key-id", s3.accessKeyId());
        p.setProperty("s3.secret-access-key", s3.secretAccessKey());
        p.setProperty("s3.region", s3.region());
        return p;
    }

    /** Reads what {@link #toProperties()} wrote; a missing key is an error naming it. */
    public static StackAddresses fromProperties(Properties p) {
        return new StackAddresses(
                new PostgresAddress(
                        get(p, "postgres.host"),
                        Integer.parseInt(get(p, "postgres.port")),
                        get(p, "postgres.username"),
                        get(p, "postgres.password")),
                new KafkaAddress(get(p, "kafka.bootstrap-servers")),
                new S3Address(
                        get(p, "s3.endpoint"),
                        get(p, "s3.access-key-id"),
                        get(p, "s3.secret-access-key"),
                        get(p, "s3.region")));
    }

    private static String get(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("local-stack attach file lacks " + key);
        }
        return value;
    }
}
