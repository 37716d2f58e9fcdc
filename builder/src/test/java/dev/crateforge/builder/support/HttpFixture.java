package dev.crateforge.builder.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on loopback that serves source bytes and accepts artifact uploads the way the
 * artifact service does (201 on PUT, recording headers and body).
 */
public final class HttpFixture implements AutoCloseable {

    /** One PUT as received. */
    public record Upload(String path, Map<String, List<String>> headers, byte[] body) {}

    private final HttpServer server;
    private final Map<String, byte[]> sources = new ConcurrentHashMap<>();
    private final List<Upload> uploads = new CopyOnWriteArrayList<>();
    private volatile int uploadStatus = 201;

    public HttpFixture() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/crates/",
                exchange -> {
                    byte[] body = sources.get(exchange.getRequestURI().getPath());
                    if (body == null) {
                        exchange.sendResponseHeaders(404, -1);
                    } else {
                        exchange.sendResponseHeaders(200, body.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(body);
                        }
                    }
                    exchange.close();
                });
        server.createContext(
                "/stream/",
                exchange -> {
                    // no Content-Length: the fetcher must count while streaming
                    exchange.sendResponseHeaders(200, 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        byte[] chunk = new byte[64 * 1024];
                        for (int i = 0; i < 64; i++) {
                            out.write(chunk);
                        }
                    } catch (IOException e) {
                        // the client hung up after its cap, as it should
                    }
                    exchange.close();
                });
        server.createContext(
                "/upload/",
                exchange -> {
                    byte[] body;
                    try (InputStream in = exchange.getRequestBody()) {
                        body = in.readAllBytes();
                    }
                    uploads.add(
                            new Upload(
                                    exchange.getRequestURI().getPath(),
                                    exchange.getRequestHeaders(),
                                    body));
                    exchange.sendResponseHeaders(uploadStatus, -1);
                    exchange.close();
                });
        server.start();
    }

    public URI serve(String name, byte[] body) {
        String path = "/crates/" + name;
        sources.put(path, body);
        return url(path);
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Upload> uploads() {
        return uploads;
    }

    public void uploadStatus(int status) {
        this.uploadStatus = status;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
