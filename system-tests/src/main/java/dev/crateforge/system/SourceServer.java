package dev.crateforge.system;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Serves {@code .crate} files over HTTP on loopback, standing in for a crate registry's download
 * endpoint: {@code GET /<file name>}.
 */
public final class SourceServer implements AutoCloseable {

    private final HttpServer server;
    private final Path dir;

    private SourceServer(HttpServer server, Path dir) {
        this.server = server;
        this.dir = dir;
    }

    /** Serves the files of {@code dir} (no subdirectories) on a free loopback port. */
    public static SourceServer start(Path dir) {
        try {
            HttpServer server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            SourceServer sources = new SourceServer(server, dir);
            server.createContext(
                    "/",
                    exchange -> {
                        String name = exchange.getRequestURI().getPath().substring(1);
                        Path file = dir.resolve(name).normalize();
                        if (name.contains("/")
                                || !file.startsWith(dir)
                                || !Files.isRegularFile(file)) {
                            exchange.sendResponseHeaders(404, -1);
                            exchange.close();
                            return;
                        }
                        exchange.getResponseHeaders().add("Content-Type", "application/gzip");
                        exchange.sendResponseHeaders(200, Files.size(file));
                        try (OutputStream out = exchange.getResponseBody()) {
                            Files.copy(file, out);
                        }
                    });
            server.start();
            return sources;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the source server", e);
        }
    }

    /** Copies {@code crate} into the served directory; returns its URL. */
    public String publish(Path crate) {
        try {
            Files.createDirectories(dir);
            Path served = dir.resolve(crate.getFileName());
            Files.copy(crate, served, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + served.getFileName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lowercase hex SHA-256 of a file, as a job's {@code sourceSha256}. */
    public static String sha256(Path file) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
