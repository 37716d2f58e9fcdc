package dev.crateforge.artifact.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestBuilds;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.TestProblems;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.job.ArtifactKind;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stable download layout against cargo-binstall's documented rules (its template syntax, its
 * inferred bin-dir and the bin-dir the docs tell crate authors to paste), the {@code .sha256}
 * files, the per-crate index with its ETag, and the 404 and 400 answers, over real HTTP with
 * PostgreSQL, Kafka and S3 from the local stack.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class StableDownloadTests {

    /** The pkg-url of docs/artifact.md, after {@code <base>}. */
    private static final String PKG_URL =
            "/dl/crates-io/{ name }/{ version }/{ name }-{ version }-{ target }.tgz";

    /** The bin-dir of the docs' {@code [package.metadata.binstall]} block. */
    private static final String DOCUMENTED_BIN_DIR = "{ bin }{ binary-ext }";

    private static final String TARGET = TestJobs.TARGET;

    @Inject ArtifactCatalog catalog;
    @Inject AgroalDataSource dataSource;

    @TestHTTPResource URL base;

    private final HttpClient http = HttpClient.newHttpClient();

    private TestJobs succeededBuild(String crate, String version, ArtifactKind kind, byte[] bytes) {
        return TestBuilds.succeeded(catalog, crate, version, kind, bytes);
    }

    private static String newCrate() {
        return TestBuilds.newCrate("bi");
    }

    private String baseUrl() {
        String url = base.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private HttpResponse<byte[]> fetch(String url) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void binstallsTemplateAndBinDirFindTheBinaries(@TempDir Path dir) throws Exception {
        String crate = newCrate();
        String version = "1.4.0-rc.2";
        byte[] main = TestJobs.randomBytes(30_000);
        byte[] helper = TestJobs.randomBytes(7_000);
        Map<String, byte[]> binaries = new LinkedHashMap<>();
        binaries.put(crate, main);
        binaries.put(crate + "-helper", helper);
        byte[] archive = TestArtifacts.binary(binaries);
        succeededBuild(crate, version, ArtifactKind.BINARY, archive);

        Map<String, String> vars = BinstallTemplate.variables(crate, version, TARGET, crate);
        String url = BinstallTemplate.render(baseUrl() + PKG_URL, vars);
        assertThat(url)
                .isEqualTo(
                        baseUrl()
                                + "/dl/crates-io/"
                                + crate
                                + "/"
                                + version
                                + "/"
                                + crate
                                + "-"
                                + version
                                + "-"
                                + TARGET
                                + ".tgz");
        // Spaces inside the braces are optional in binstall's templates.
        assertThat(BinstallTemplate.render(PKG_URL.replace("{ ", "{").replace(" }", "}"), vars))
                .isEqualTo(BinstallTemplate.render(PKG_URL, vars));

        HttpResponse<byte[]> first = fetch(url);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo(archive);
        // Byte-stable: the same bytes, and so the same SHA-256, on every download.
        assertThat(fetch(url).body()).isEqualTo(first.body());
        String sha256 = TestJobs.sha256(first.body());
        assertThat(first.headers().firstValue("ETag")).contains('"' + sha256 + '"');
        assertThat(first.headers().firstValue("Cache-Control")).contains("public, max-age=60");
        assertThat(first.headers().firstValue("Content-Disposition"))
                .contains(
                        "attachment; filename=\""
                                + crate
                                + "-"
                                + version
                                + "-"
                                + TARGET
                                + ".tgz\"");

        HttpResponse<byte[]> checksum = fetch(url + ".sha256");
        assertThat(checksum.statusCode()).isEqualTo(200);
        assertThat(new String(checksum.body(), StandardCharsets.US_ASCII))
                .isEqualTo(sha256 + "  " + crate + "-" + version + "-" + TARGET + ".tgz\n");

        Path extracted = dir.resolve("extracted");
        unpack(first.body(), extracted);
        for (Map.Entry<String, byte[]> bin : binaries.entrySet()) {
            Map<String, String> binVars =
                    BinstallTemplate.variables(crate, version, TARGET, bin.getKey());
            String inferred =
                    BinstallTemplate.inferBinDir(
                            binVars, d -> Files.isDirectory(extracted.resolve(d)));
            for (String binDir : List.of(inferred, DOCUMENTED_BIN_DIR)) {
                Path found = extracted.resolve(BinstallTemplate.render(binDir, binVars));
                assertThat(found).as(binDir).isRegularFile();
                assertThat(Files.readAllBytes(found)).isEqualTo(bin.getValue());
                assertThat(Files.getPosixFilePermissions(found))
                        .contains(PosixFilePermission.OWNER_EXECUTE);
            }
        }
    }

    /** Unpacks as binstall does for pkg-fmt tgz: gzip, then tar, modes kept. */
    private static void unpack(byte[] tgz, Path into) throws IOException {
        Files.createDirectories(into);
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(tgz)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path file = into.resolve(entry.getName()).normalize();
                assertThat(file.startsWith(into)).as(entry.getName()).isTrue();
                if (entry.isDirectory()) {
                    Files.createDirectories(file);
                    continue;
                }
                Files.createDirectories(file.getParent());
                Files.copy(tar, file);
                if ((entry.getMode() & 0100) != 0) {
                    Set<PosixFilePermission> modes = Files.getPosixFilePermissions(file);
                    modes.add(PosixFilePermission.OWNER_EXECUTE);
                    Files.setPosixFilePermissions(file, modes);
                }
            }
        }
    }

    @Test
    void headRangeAndConditionalRequestsWorkLikeTheOtherDownloads() {
        String crate = newCrate();
        byte[] archive = TestArtifacts.binary(50_000);
        String sha256 = TestJobs.sha256(archive);
        succeededBuild(crate, "0.1.0", ArtifactKind.BINARY, archive);
        String path = "/dl/crates-io/" + crate + "/0.1.0/" + crate + "-0.1.0-" + TARGET + ".tgz";

        given().head(path)
                .then()
                .statusCode(200)
                .header("Content-Length", String.valueOf(archive.length))
                .header("ETag", '"' + sha256 + '"')
                .header("X-Checksum-Sha256", sha256)
                .header("Accept-Ranges", "bytes")
                .header("Cache-Control", "public, max-age=60");
        byte[] middle =
                given().header("Range", "bytes=100-199")
                        .get(path)
                        .then()
                        .statusCode(206)
                        .header("Content-Range", "bytes 100-199/" + archive.length)
                        .extract()
                        .asByteArray();
        assertThat(middle).isEqualTo(Arrays.copyOfRange(archive, 100, 200));
        given().header("If-None-Match", '"' + sha256 + '"')
                .get(path)
                .then()
                .statusCode(304)
                .header("ETag", '"' + sha256 + '"')
                .header("Cache-Control", "public, max-age=60");

        String checksumEtag =
                given().head(path + ".sha256")
                        .then()
                        .statusCode(200)
                        .contentType("text/plain; charset=utf-8")
                        .extract()
                        .header("ETag");
        given().header("If-None-Match", checksumEtag).get(path + ".sha256").then().statusCode(304);
    }

    @Test
    void theIndexListsEveryVersionTargetAndKind() throws Exception {
        String crate = newCrate();
        byte[] newest = TestArtifacts.binary(2_000);
        byte[] older = TestArtifacts.binary(3_000);
        byte[] candidate = TestArtifacts.binary(4_000);
        byte[] metadata = TestArtifacts.metadata(crate, "1.0.0");
        TestJobs newestBuild = succeededBuild(crate, "1.0.0", ArtifactKind.BINARY, newest);
        succeededBuild(crate, "0.10.0", ArtifactKind.BINARY, older);
        succeededBuild(crate, "1.0.0-rc.1", ArtifactKind.BINARY, candidate);
        succeededBuild(crate, "1.0.0", ArtifactKind.METADATA, metadata);
        String index = "/dl/crates-io/" + crate + "/index.json";

        ExtractableResponse<Response> first =
                given().get(index)
                        .then()
                        .statusCode(200)
                        .contentType("application/json")
                        .header("Cache-Control", "public, max-age=60")
                        .extract();
        byte[] body = first.asByteArray();
        assertThat(first.header("ETag")).isEqualTo('"' + TestJobs.sha256(body) + '"');
        JsonPath json = first.jsonPath();
        assertThat(json.getInt("formatVersion")).isEqualTo(1);
        assertThat(json.getString("registry")).isEqualTo("crates-io");
        assertThat(json.getString("crate")).isEqualTo(crate);
        // Semantic Versioning precedence, not text order.
        assertThat(json.getList("versions.version"))
                .containsExactly("0.10.0", "1.0.0-rc.1", "1.0.0");
        assertThat(json.getList("versions.yanked")).containsOnly(false);
        assertThat(json.getList("versions[2].artifacts.kind"))
                .containsExactly("binary", "metadata");

        String prefix = "versions[2].artifacts[0].";
        String url = "/dl/crates-io/" + crate + "/1.0.0/" + crate + "-1.0.0-" + TARGET + ".tgz";
        assertThat(json.getString(prefix + "target")).isEqualTo(TARGET);
        assertThat(json.getLong(prefix + "size")).isEqualTo(newest.length);
        assertThat(json.getString(prefix + "sha256")).isEqualTo(TestJobs.sha256(newest));
        assertThat(json.getString(prefix + "url")).isEqualTo(url);
        assertThat(json.getString(prefix + "sha256Url")).isEqualTo(url + ".sha256");
        assertThat(json.getString(prefix + "jobId")).isEqualTo(newestBuild.jobId.toString());
        assertThat(json.getString(prefix + "reproduction")).isEqualTo("unknown");
        assertThat(json.getString(prefix + "provenance.json"))
                .isEqualTo("/api/v1/jobs/" + newestBuild.jobId + "/provenance");
        // Every link in the index answers, with the bytes the index describes.
        assertThat(given().get(json.getString(prefix + "url")).asByteArray()).isEqualTo(newest);
        given().get(json.getString(prefix + "provenance.statement")).then().statusCode(200);
        given().get(json.getString(prefix + "provenance.allowedSigners")).then().statusCode(200);
        // These builds sent no DSSE envelope: no link to one, but the builder's key is there.
        assertThat(json.getString(prefix + "provenance.envelope")).isNull();
        given().get(json.getString(prefix + "provenance.builderKey")).then().statusCode(200);
        given().get(json.getString(prefix + "provenance.builderPem")).then().statusCode(200);
        String metadataPrefix = "versions[2].artifacts[1].";
        assertThat(json.getString(metadataPrefix + "sha256Url")).isNull();
        assertThat(given().get(json.getString(metadataPrefix + "url")).asByteArray())
                .isEqualTo(metadata);

        String etag = first.header("ETag");
        assertThat(given().get(index).asByteArray()).isEqualTo(body);
        given().header("If-None-Match", etag)
                .get(index)
                .then()
                .statusCode(304)
                .header("ETag", etag)
                .header("Cache-Control", "public, max-age=60");

        // A yanked version (as the registry intake will record it) changes the index and its ETag.
        try (Connection c = dataSource.getConnection();
                PreparedStatement update =
                        c.prepareStatement(
                                "UPDATE artifact SET yanked = true WHERE crate = ? AND version = ?")) {
            update.setString(1, crate);
            update.setString(2, "1.0.0-rc.1");
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        ExtractableResponse<Response> afterYank =
                given().header("If-None-Match", etag).get(index).then().statusCode(200).extract();
        assertThat(afterYank.header("ETag")).isNotEqualTo(etag);
        assertThat(afterYank.jsonPath().getList("versions.yanked"))
                .containsExactly(false, true, false);
    }

    @Test
    void unknownCrateVersionTargetAndRegistryAre404Problems() {
        String crate = newCrate();
        succeededBuild(crate, "2.0.0", ArtifactKind.BINARY, TestArtifacts.binary(1_000));
        String other = newCrate();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(
                "/dl/crates-io/" + other + "/2.0.0/" + other + "-2.0.0-" + TARGET + ".tgz",
                "unknown crate '" + other + "'");
        expected.put(
                "/dl/crates-io/" + crate + "/2.0.1/" + crate + "-2.0.1-" + TARGET + ".tgz",
                "unknown version '2.0.1' of crate '"
                        + crate
                        + "': binaries are stored for"
                        + " versions 2.0.0");
        expected.put(
                "/dl/crates-io/" + crate + "/2.0.0/" + crate + "-2.0.0-aarch64-apple-darwin.tgz",
                "unknown target 'aarch64-apple-darwin' for "
                        + crate
                        + " 2.0.0: binaries are stored for targets "
                        + TARGET);
        expected.put(
                "/dl/crates-io/"
                        + crate
                        + "/2.0.0/"
                        + crate
                        + "-2.0.0-aarch64-apple-darwin.tgz.sha256",
                "unknown target 'aarch64-apple-darwin'");
        // The provenance beside an archive answers the same misses as the archive.
        expected.put(
                "/dl/crates-io/"
                        + other
                        + "/2.0.0/"
                        + other
                        + "-2.0.0-"
                        + TARGET
                        + ".tgz.intoto.jsonl",
                "unknown crate '" + other + "'");
        expected.put(
                "/dl/crates-io/"
                        + crate
                        + "/2.0.1/"
                        + crate
                        + "-2.0.1-"
                        + TARGET
                        + ".tgz.intoto.jsonl",
                "unknown version '2.0.1' of crate '" + crate + "'");
        expected.put(
                "/dl/crates-io/"
                        + crate
                        + "/2.0.0/"
                        + crate
                        + "-2.0.0-aarch64-apple-darwin.tgz.intoto.jsonl",
                "unknown target 'aarch64-apple-darwin' for " + crate + " 2.0.0");
        expected.put(
                "/dl/crates-io/"
                        + crate
                        + "/2.0.0/"
                        + crate
                        + "-2.0.0-"
                        + TARGET
                        + ".tgz.intoto.json",
                "no such file");
        expected.put(
                "/dl/other-registry/" + crate + "/2.0.0/" + crate + "-2.0.0-" + TARGET + ".tgz",
                "unknown registry 'other-registry'");
        expected.put(
                "/dl/crates-io/" + crate + "/2.0.0/" + crate + "-2.0.0-" + TARGET + ".zip",
                "no such file");
        expected.put(
                "/dl/crates-io/" + crate + "/2.0.0/" + crate + "-" + TARGET + "-v2.0.0.tgz",
                "no such file");
        expected.put("/dl/crates-io/" + other + "/index.json", "unknown crate '" + other + "'");
        expected.put("/dl/other-registry/" + crate + "/index.json", "unknown registry");
        expected.forEach(
                (path, detail) -> TestProblems.get(path, 404).body("detail", startsWith(detail)));
    }

    @Test
    void malformedNamesVersionsTargetsAndRegistriesAre400Problems() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("/dl/crates-io/9lives/1.0.0/9lives-1.0.0-" + TARGET + ".tgz", "not a crate");
        expected.put("/dl/crates-io/demo/1.0/demo-1.0-" + TARGET + ".tgz", "not a semantic");
        expected.put("/dl/crates-io/demo/1.0.0/demo-1.0.0-NOT_A_TARGET.tgz", "not a target");
        expected.put("/dl/crates-io/demo/1.0.0/demo-1.0.0-x86_64.tgz.sha256", "not a target");
        expected.put("/dl/Crates.IO/demo/1.0.0/demo-1.0.0-" + TARGET + ".tgz", "not a registry");
        expected.put("/dl/crates-io/9lives/index.json", "not a crate");
        expected.forEach(
                (path, detail) ->
                        given().get(path)
                                .then()
                                .statusCode(400)
                                .contentType("application/problem+json")
                                .body("type", equalTo("https://crateforge.dev/problems/bad-path"))
                                .body("detail", startsWith(detail)));
    }
}
