package dev.crateforge.localstack;

import java.nio.file.Path;

/**
 * How to start a {@link LocalStack}. Ports 0 mean "any free loopback port". A null data directory
 * means a fresh temporary one that is deleted on close; a given one is kept, so that the local run
 * finds its databases, topics and objects again after a restart.
 */
public record LocalStackOptions(
        Path dataDir, Path attachFile, int postgresPort, int kafkaPort, int s3Port) {

    public static LocalStackOptions defaults() {
        return new LocalStackOptions(null, null, 0, 0, 0);
    }

    /**
     * Parses the command line of {@link LocalStack#main}: {@code --data-dir DIR}, {@code
     * --attach-file FILE}, {@code --postgres-port N}, {@code --kafka-port N}, {@code --s3-port N}.
     */
    public static LocalStackOptions parse(String... args) {
        LocalStackOptions o = defaults();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            o =
                    switch (flag) {
                        case "--data-dir" ->
                                new LocalStackOptions(
                                        Path.of(value),
                                        o.attachFile,
                                        o.postgresPort,
                                        o.kafkaPort,
                                        o.s3Port);
                        case "--attach-file" ->
                                new LocalStackOptions(
                                        o.dataDir,
                                        Path.of(value),
                                        o.postgresPort,
                                        o.kafkaPort,
                                        o.s3Port);
                        case "--postgres-port" ->
                                new LocalStackOptions(
                                        o.dataDir,
                                        o.attachFile,
                                        Integer.parseInt(value),
                                        o.kafkaPort,
                                        o.s3Port);
                        case "--kafka-port" ->
                                new LocalStackOptions(
                                        o.dataDir,
                                        o.attachFile,
                                        o.postgresPort,
                                        Integer.parseInt(value),
                                        o.s3Port);
                        case "--s3-port" ->
                                new LocalStackOptions(
                                        o.dataDir,
                                        o.attachFile,
                                        o.postgresPort,
                                        o.kafkaPort,
                                        Integer.parseInt(value));
                        default ->
                                throw new IllegalArgumentException(
                                        "unknown option "
                                                + flag
                                                + " (known: --data-dir, --attach-file, --postgres-port,"
                                                + " --kafka-port, --s3-port)");
                    };
        }
        return o;
    }
}
