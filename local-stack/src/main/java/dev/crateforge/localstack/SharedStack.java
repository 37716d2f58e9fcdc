package dev.crateforge.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one stack per JVM behind {@link LocalStack#shared()}.
 *
 * <p>In order: the stack named by {@value AttachFile#VARIABLE} (one stack for a whole build); else
 * the stack this JVM already started, found through a system property, because Quarkus loads test
 * resources in more than one class loader and a static field alone would start one stack per class
 * loader; else a new stack, which publishes itself in that property.
 */
final class SharedStack {

    /** JVM-wide: where this JVM's own shared stack wrote its attach file. */
    private static final String JVM_STACK = "crateforge.local-stack.jvm-attach-file";

    /**
     * A JVM-wide lock: string literals are interned, so every class loader's copy of this class
     * locks the same object.
     */
    private static final String LOCK = "dev.crateforge.localstack.SharedStack.LOCK";

    private static LocalStack stack;

    private SharedStack() {}

    static LocalStack get() {
        synchronized (LOCK) {
            if (stack == null) {
                stack = find();
            }
            return stack;
        }
    }

    private static LocalStack find() {
        Path configured = AttachFile.configured();
        if (configured != null) {
            if (Files.exists(configured)) {
                return attachChecked(configured);
            }
            System.err.println(
                    "local-stack: "
                            + AttachFile.VARIABLE
                            + " names "
                            + configured
                            + ", which does not exist; starting servers for this JVM");
        }
        String ours = System.getProperty(JVM_STACK);
        if (ours != null) {
            return attachChecked(Path.of(ours));
        }
        LocalStack started = LocalStack.start(LocalStackOptions.defaults());
        Path file = started.dataDir().resolve("local-stack.properties");
        AttachFile.write(file, started.addresses());
        System.setProperty(JVM_STACK, file.toString());
        return started;
    }

    /** Attaches, failing loudly if the servers the file names do not answer (a stale file). */
    private static LocalStack attachChecked(Path file) {
        LocalStack attached = LocalStack.attach(file);
        StackAddresses a = attached.addresses();
        requireAnswer(file, "PostgreSQL", a.postgres().host(), a.postgres().port());
        String[] kafka = a.kafka().bootstrapServers().split(",")[0].split(":");
        requireAnswer(file, "Kafka", kafka[0], Integer.parseInt(kafka[1]));
        URI s3 = URI.create(a.s3().endpoint());
        requireAnswer(file, "S3", s3.getHost(), s3.getPort());
        return attached;
    }

    private static void requireAnswer(Path file, String server, String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
        } catch (IOException e) {
            throw new IllegalStateException(
                    server
                            + " at "
                            + host
                            + ":"
                            + port
                            + " named by the local-stack attach file "
                            + file
                            + " does not answer; is that stack still running?",
                    e);
        }
    }
}
