package dev.crateforge.localstack.server;

import dev.crateforge.localstack.S3Address;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Starts S3Proxy with its filesystem backend in a child JVM.
 *
 * <p>Authentication stays on (AWS signature v2 or v4, fixed local credentials) so that a service
 * with wrong credentials or a broken signer fails here, as it would against real S3.
 */
public final class S3ProxyServer {

    public static final String NAME = "S3Proxy";
    public static final String ACCESS_KEY_ID = "crateforge-local";
    public static final String SECRET_ACCESS_KEY = "crateforge-local-secret";
    public static final String REGION = "us-east-1";

    private S3ProxyServer() {}

    /** Starts the server with its objects under {@code dataDir}/s3. */
    public static Started<S3Address> start(Path dataDir, int wantedPort) {
        int port = FreePort.pick(wantedPort);
        Path home = dataDir.resolve("s3");
        Path config = home.resolve("s3proxy.properties");
        String endpoint = "http://127.0.0.1:" + port;
        writeConfig(config, home.resolve("buckets"), endpoint);
        ServerProcess process =
                ChildJvm.named(NAME, port, dataDir.resolve("logs/s3proxy.log"))
                        .jvmOptions("-Xms32m", "-Xmx192m")
                        .classpath(
                                ServerClasspath.forRoots(
                                        "org.gaul:s3proxy",
                                        "com.fasterxml.jackson.core:jackson-annotations",
                                        "ch.qos.logback:logback-classic"))
                        .main("org.gaul.s3proxy.Main", "--properties", config.toString())
                        .start();
        return new Started<>(
                process, new S3Address(endpoint, ACCESS_KEY_ID, SECRET_ACCESS_KEY, REGION));
    }

    private static void writeConfig(Path config, Path buckets, String endpoint) {
        Properties p = new Properties();
        p.setProperty("s3proxy.endpoint", endpoint);
        p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        p.setProperty("s3proxy.identity", ACCESS_KEY_ID);
        p.setProperty("s3proxy.credential", SECRET_ACCESS_KEY);
        p.setProperty("jclouds.provider", "filesystem");
        p.setProperty("jclouds.identity", "unused");
        p.setProperty("jclouds.credential", "unused");
        p.setProperty("jclouds.filesystem.basedir", buckets.toString());
        try {
            Files.createDirectories(buckets);
            try (Writer out = Files.newBufferedWriter(config)) {
                p.store(out, "written by local-stack for this run");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
