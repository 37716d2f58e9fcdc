package dev.crateforge.builder.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.crateforge.protocol.http.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A real HTTP server on loopback that serves source bytes and accepts artifact uploads the way the
 * artifact service does (201 on PUT, recording headers and body), or with the status and
 * problem+json answer a test asks for.
 */
public final class HttpFixture implements AutoCloseable {

    /** One PUT as received. */
    public record Upload(String path, Map<String, List<String>> headers, byte[] body) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, byte[]> sources = new ConcurrentHashMap<>();
    private final List<Upload> uploads = new CopyOnWriteArrayList<>();

    /** How the fixture answers an upload: a status and, unless null, a problem+json reason. */
    public record Answer(int status, String problemReason) {}

    private volatile Answer uploadAnswer = new Answer(201, null);
    private final BlockingQueue<Answer> scripted = new LinkedBlockingQueue<>();

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
                    Answer next = scripted.poll();
                    Answer answer = next != null ? next : uploadAnswer;
                    int status = answer.status();
                    String problem = answer.problemReason();
                    if (problem == null) {
                        exchange.sendResponseHeaders(status, -1);
                    } else {
                        byte[] json =
                                JSON.writeValueAsBytes(
                                        Problem.of(
                                                status, problem, problem, "refused by the test"));
                        exchange.getResponseHeaders().set("Content-Type", Problem.MEDIA_TYPE);
                        exchange.sendResponseHeaders(status, json.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(json);
                        }
                    }
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

    /** Every upload from now on is answered with this status and no body. */
    public void uploadStatus(int status) {
        uploadAnswer = new Answer(status, null);
    }

    /** Every upload from now on is answered with this status and problem+json reason tag. */
    public void uploadAnswer(int status, String problemReason) {
        uploadAnswer = new Answer(status, problemReason);
    }

    /** The next uploads are answered so, in order, then as configured. */
    public void nextUploadAnswers(Answer... answers) {
        scripted.addAll(List.of(answers));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
