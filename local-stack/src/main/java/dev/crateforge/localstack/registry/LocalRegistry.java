package dev.crateforge.localstack.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A small Cargo registry on this machine: a git index in the layout cargo reads (Cargo book,
 * "Registry index": {@code config.json} and one file of JSON lines per crate under its prefix path)
 * and a loopback HTTP server that serves the {@code .crate} files the index points at. Every change
 * is one commit, as on a real registry; {@link #squash()} replaces the history with one commit of
 * the same tree, as a large registry does to its index now and then.
 *
 * <p>For tests and the local run. It needs JGit on the classpath of whoever uses it.
 */
public final class LocalRegistry implements AutoCloseable {

    /** A published version: where its {@code .crate} is and its SHA-256 ({@code cksum}). */
    public record Published(String crate, String version, String cksum, String downloadUrl) {}

    private static final Pattern DOWNLOAD =
            Pattern.compile("/crates/([A-Za-z0-9_-]+)/([^/]+)/download");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final Pattern VERSION =
            Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?");
    private static final Pattern PUBLISH = Pattern.compile("/publish/([^/]+)/([^/]+)");

    /** The largest {@code .crate} file taken over HTTP. */
    private static final int MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

    private static final PersonIdent AUTHOR =
            new PersonIdent("crateforge-local-registry", "registry@localhost");

    private final Path indexDir;
    private final Git git;
    private final HttpServer http;
    private final Map<String, byte[]> crateFiles = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile String token;
    private volatile String gitAuthorization;

    private LocalRegistry(Path indexDir, Git git, HttpServer http) {
        this.indexDir = indexDir;
        this.git = git;
        this.http = http;
    }

    /**
     * Creates an index repository under {@code dir} and starts the download server on a free
     * loopback port. {@code config.json}'s {@code dl} has no markers, so cargo (and the scheduler)
     * append {@code /{crate}/{version}/download}.
     */
    public static LocalRegistry create(Path dir) {
        return create(dir, 0);
    }

    /**
     * As {@link #create(Path)}, with the server on {@code port} (0: a free one), for a caller that
     * must name the URLs before the registry exists.
     */
    public static LocalRegistry create(Path dir, int port) {
        try {
            Path indexDir = dir.resolve("index").toAbsolutePath().normalize();
            Files.createDirectories(indexDir);
            Git git = Git.init().setDirectory(indexDir.toFile()).setInitialBranch("master").call();
            HttpServer http =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            LocalRegistry registry = new LocalRegistry(indexDir, git, http);
            http.createContext("/crates/", registry::serve);
            http.createContext("/index/", registry::serveSparse);
            http.createContext("/publish/", registry::servePublish);
            http.createContext("/git/", registry::serveGit);
            http.start();
            registry.writeFile(
                    "config.json", "{\"dl\":\"" + registry.downloadBase() + "\",\"api\":null}\n");
            registry.commit("registry config");
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a local registry in " + dir, e);
        } catch (GitAPIException e) {
            throw new IllegalStateException("could not create a local registry in " + dir, e);
        }
    }

    /**
     * Makes it a private registry: from now on the sparse index and the {@code .crate} downloads
     * answer 401 unless the request's {@code Authorization} header is exactly {@code token} (as
     * cargo sends a registry token); null makes it public again. Publishing is unaffected.
     */
    public void requireToken(String token) {
        this.token = token;
    }

    /**
     * Puts the index's git HTTP endpoint ({@link #gitIndexUrl()}) behind HTTP basic authentication
     * with this user and password, as a private index on a git host is; null makes it public again.
     * The file URL ({@link #indexUrl()}) is unaffected.
     */
    public void requireGitCredentials(String user, String password) {
        this.gitAuthorization =
                user == null
                        ? null
                        : "Basic "
                                + java.util.Base64.getEncoder()
                                        .encodeToString(
                                                (user + ":" + password)
                                                        .getBytes(StandardCharsets.UTF_8));
    }

    /** The same index over git's smart HTTP protocol (fetch only), as a git host serves it. */
    public String gitIndexUrl() {
        return url("/git/index.git");
    }

    /** {@code path} on this registry's HTTP server. */
    private String url(String path) {
        return "http://"
                + http.getAddress().getHostString()
                + ":"
                + http.getAddress().getPort()
                + path;
    }

    /** Where the index repository is: a path git (and JGit) can fetch from. */
    public String indexUrl() {
        return indexDir.toUri().toString();
    }

    /**
     * The same index as a sparse index (Cargo's sparse protocol, without the {@code sparse+}
     * prefix): files at {@code <url><prefix>/<name>} with an ETag, 304 for a matching {@code
     * If-None-Match}.
     */
    public String sparseIndexUrl() {
        return url("/index/");
    }

    /** The {@code dl} value of {@code config.json}. */
    public String downloadBase() {
        return url("/crates");
    }

    /**
     * Replaces the {@code dl} template of {@code config.json} (say, with markers, or pointing
     * elsewhere); one commit. {@link Published#downloadUrl()} keeps naming this registry's own
     * server.
     */
    public synchronized void setDownloadTemplate(String dl) {
        try {
            writeFile("config.json", "{\"dl\":\"" + dl + "\",\"api\":null}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        commit("dl template " + dl);
    }

    /** Publishes a new version with random contents; one commit. */
    public Published publish(String crate, String version) {
        return publishAll(List.of(crate + "@" + version)).get(0);
    }

    /**
     * Publishes a version with the given {@code .crate} file (say, one {@code cargo package} made,
     * so that a builder can build it); one commit. The server also takes {@code PUT
     * /publish/{crate}/{version}} with the file as the body, from this machine only, so a version
     * can be published to a running registry with {@code curl -T file.crate <url>}.
     *
     * @throws IllegalArgumentException for an invalid name or version, or one already published
     */
    public synchronized Published publishFile(String crate, String version, byte[] contents) {
        if (!NAME.matcher(crate).matches() || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException(
                    "not a crate name and version: " + crate + "@" + version);
        }
        if (crateFiles.containsKey(crate + "/" + version)) {
            throw new IllegalArgumentException(crate + "@" + version + " is already published");
        }
        String cksum = sha256(contents);
        crateFiles.put(crate + "/" + version, contents.clone());
        appendLine(crate, line(crate, version, cksum, false));
        commit("publish " + crate + "@" + version);
        return new Published(
                crate, version, cksum, downloadBase() + "/" + crate + "/" + version + "/download");
    }

    /** The URL that takes {@code PUT}s of {@code .crate} files (see {@link #publishFile}). */
    public String publishUrl(String crate, String version) {
        return "http://"
                + http.getAddress().getHostString()
                + ":"
                + http.getAddress().getPort()
                + "/publish/"
                + crate
                + "/"
                + version;
    }

    /** Publishes several versions ({@code crate@version}) in one commit. */
    public synchronized List<Published> publishAll(List<String> crateAtVersions) {
        List<Published> published = new ArrayList<>();
        for (String spec : crateAtVersions) {
            int at = spec.indexOf('@');
            String crate = spec.substring(0, at);
            String version = spec.substring(at + 1);
            byte[] contents = new byte[256];
            random.nextBytes(contents);
            String cksum = sha256(contents);
            crateFiles.put(crate + "/" + version, contents);
            appendLine(crate, line(crate, version, cksum, false));
            published.add(
                    new Published(
                            crate,
                            version,
                            cksum,
                            downloadBase() + "/" + crate + "/" + version + "/download"));
        }
        commit("publish " + String.join(", ", crateAtVersions));
        return published;
    }

    /** Marks a version yanked (or not yanked again); one commit. */
    public synchronized void yank(String crate, String version, boolean yanked) {
        Path file = indexDir.resolve(indexPath(crate));
        try {
            List<String> lines = new ArrayList<>();
            String marker = "\"vers\":\"" + version + "\"";
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.contains(marker)) {
                    line = line.replace("\"yanked\":" + !yanked, "\"yanked\":" + yanked);
                }
                lines.add(line);
            }
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        commit((yanked ? "yank " : "unyank ") + crate + "@" + version);
    }

    /** Appends any text as a line of a crate's index file (to test bad input); one commit. */
    public synchronized void appendRawLine(String crate, String line) {
        appendLine(crate, line);
        commit("raw line for " + crate);
    }

    /**
     * Replaces the whole history by one parentless commit of the current tree and moves the branch
     * to it, as a registry squashing its index does.
     */
    public synchronized String squash() {
        Repository repo = git.getRepository();
        try (RevWalk walk = new RevWalk(repo);
                ObjectInserter inserter = repo.newObjectInserter()) {
            RevCommit head = walk.parseCommit(repo.resolve(Constants.HEAD));
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(head.getTree());
            commit.setAuthor(AUTHOR);
            commit.setCommitter(AUTHOR);
            commit.setMessage("squashed index");
            ObjectId squashed = inserter.insert(commit);
            inserter.flush();
            RefUpdate update = repo.updateRef("refs/heads/master");
            update.setNewObjectId(squashed);
            update.setForceUpdate(true);
            RefUpdate.Result result = update.update();
            if (result != RefUpdate.Result.FORCED && result != RefUpdate.Result.FAST_FORWARD) {
                throw new IllegalStateException("squash could not move master: " + result);
            }
            return squashed.name();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The commit id the index's branch points at. */
    public String head() {
        try {
            return git.getRepository().resolve(Constants.HEAD).name();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The index file of a crate, relative to the index root (Cargo's prefix layout). */
    public static String indexPath(String crate) {
        String name = crate.toLowerCase(Locale.ROOT);
        return switch (name.length()) {
            case 1 -> "1/" + name;
            case 2 -> "2/" + name;
            case 3 -> "3/" + name.charAt(0) + "/" + name;
            default -> name.substring(0, 2) + "/" + name.substring(2, 4) + "/" + name;
        };
    }

    /** An index line as a registry writes it. */
    public static String line(String crate, String version, String cksum, boolean yanked) {
        return "{\"name\":\""
                + crate
                + "\",\"vers\":\""
                + version
                + "\",\"deps\":[],\"cksum\":\""
                + cksum
                + "\",\"features\":{},\"yanked\":"
                + yanked
                + ",\"v\":2}";
    }

    private void appendLine(String crate, String line) {
        Path file = indexDir.resolve(indexPath(crate));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(
                    file,
                    line + "\n",
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeFile(String path, String text) throws IOException {
        Files.writeString(indexDir.resolve(path), text, StandardCharsets.UTF_8);
    }

    private void commit(String message) {
        try {
            git.add().addFilepattern(".").call();
            git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException("commit failed: " + message, e);
        }
    }

    /** Answers 401 and returns false when a token is required and the request lacks it. */
    private boolean authorized(HttpExchange exchange) throws IOException {
        String required = token;
        if (required == null
                || MessageDigest.isEqual(
                        required.getBytes(StandardCharsets.UTF_8),
                        String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"))
                                .getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        exchange.sendResponseHeaders(401, -1);
        return false;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!authorized(exchange)) {
                return;
            }
            Matcher m = DOWNLOAD.matcher(exchange.getRequestURI().getPath());
            byte[] body = m.matches() ? crateFiles.get(m.group(1) + "/" + m.group(2)) : null;
            if (body == null || !"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/gzip");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void servePublish(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher m = PUBLISH.matcher(exchange.getRequestURI().getPath());
            if (!"PUT".equals(exchange.getRequestMethod()) || !m.matches()) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = exchange.getRequestBody().readNBytes(MAX_UPLOAD_BYTES + 1);
            String answer;
            int status;
            if (body.length > MAX_UPLOAD_BYTES) {
                status = 413;
                answer = "over " + MAX_UPLOAD_BYTES + " bytes\n";
            } else {
                try {
                    Published published = publishFile(m.group(1), m.group(2), body);
                    status = 201;
                    answer =
                            "published "
                                    + published.crate()
                                    + "@"
                                    + published.version()
                                    + " sha256 "
                                    + published.cksum()
                                    + "\n";
                } catch (IllegalArgumentException e) {
                    status = 409;
                    answer = e.getMessage() + "\n";
                }
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private void serveSparse(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!authorized(exchange)) {
                return;
            }
            String path = exchange.getRequestURI().getPath().substring("/index/".length());
            Path file = indexDir.resolve(path).normalize();
            if (!"GET".equals(exchange.getRequestMethod())
                    || !file.startsWith(indexDir)
                    || path.startsWith(".git")
                    || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            String etag = "\"" + sha256(body) + "\"";
            exchange.getResponseHeaders().set("ETag", etag);
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /**
     * Git's smart HTTP protocol, the two requests a fetch makes: the ref advertisement ({@code GET
     * …/info/refs?service=git-upload-pack}) and the pack negotiation ({@code POST
     * …/git-upload-pack}), both answered by JGit's {@link UploadPack} in stateless mode.
     */
    private void serveGit(HttpExchange exchange) throws IOException {
        try (exchange) {
            String required = gitAuthorization;
            if (required != null
                    && !MessageDigest.isEqual(
                            required.getBytes(StandardCharsets.UTF_8),
                            String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"))
                                    .getBytes(StandardCharsets.UTF_8))) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"index\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if ("GET".equals(method)
                    && path.equals("/git/index.git/info/refs")
                    && "service=git-upload-pack".equals(exchange.getRequestURI().getQuery())) {
                exchange.getResponseHeaders()
                        .set("Content-Type", "application/x-git-upload-pack-advertisement");
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                PacketLineOut packets = new PacketLineOut(out);
                packets.writeString("# service=git-upload-pack\n");
                packets.end();
                UploadPack upload = new UploadPack(git.getRepository());
                upload.setBiDirectionalPipe(false);
                upload.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(packets));
                out.flush();
            } else if ("POST".equals(method) && path.equals("/git/index.git/git-upload-pack")) {
                InputStream in = exchange.getRequestBody();
                if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    in = new GZIPInputStream(in);
                }
                exchange.getResponseHeaders()
                        .set("Content-Type", "application/x-git-upload-pack-result");
                exchange.sendResponseHeaders(200, 0);
                UploadPack upload = new UploadPack(git.getRepository());
                upload.setBiDirectionalPipe(false);
                upload.upload(in, exchange.getResponseBody(), null);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        git.close();
    }
}
