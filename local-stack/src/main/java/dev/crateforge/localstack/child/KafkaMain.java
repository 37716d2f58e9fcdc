package dev.crateforge.localstack.child;

import java.io.PrintStream;

/**
 * Runs a single-node KRaft Kafka inside a child JVM: {@code KafkaMain <cluster-id>
 * <server.properties>}.
 *
 * <p>Formats the log directories first ({@code --ignore-formatted}, so a kept data directory is
 * reused) and then starts the broker and controller, in one JVM rather than two: a second JVM start
 * would cost seconds on two cores.
 */
public final class KafkaMain {

    private KafkaMain() {}

    public static void main(String[] args) throws Exception {
        String clusterId = args[0];
        String config = args[1];
        PrintStream out = System.out;
        int formatted =
                kafka.tools.StorageTool.execute(
                        new String[] {
                            "format", "-t", clusterId, "-c", config, "--ignore-formatted"
                        },
                        out);
        if (formatted != 0) {
            System.err.println("local-stack: formatting the Kafka log directories failed");
            System.exit(formatted);
        }
        kafka.Kafka.main(new String[] {config});
    }
}
