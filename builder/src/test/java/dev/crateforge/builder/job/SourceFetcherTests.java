package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.builder.support.HttpFixture;
import dev.crateforge.builder.support.TestCrates;
import dev.crateforge.protocol.contract.FailureCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceFetcherTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir Path temp;

    private HttpFixture http;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        http = new HttpFixture();
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void fetchesSourceWhoseHashMatches() throws Exception {
        byte[] crate = TestCrates.library("demo", "1.0.0");
        URI url = http.serve("demo-1.0.0.crate", crate);
        Path destination = temp.resolve("source.crate");

        long size =
                new SourceFetcher(client, 1 << 20).fetch(url, sha256(crate), destination, TIMEOUT);

        assertThat(size).isEqualTo(crate.length);
        assertThat(Files.readAllBytes(destination)).isEqualTo(crate);
    }

    @Test
    void refusesSourceWhoseHashDiffers() throws Exception {
        byte[] crate = TestCrates.library("demo", "1.0.0");
        URI url = http.serve("demo-1.0.0.crate", crate);
        String expected = "0".repeat(64);
        Path destination = temp.resolve("source.crate");

        assertThatThrownBy(
                        () ->
                                new SourceFetcher(client, 1 << 20)
                                        .fetch(url, expected, destination, TIMEOUT))
                .isInstanceOf(JobFailure.class)
                .hasMessage(
                        "source SHA-256 mismatch: expected " + expected + ", got " + sha256(crate))
                .satisfies(e -> assertThat(code(e)).isEqualTo(FailureCode.SOURCE_MISMATCH));
        assertThat(destination).doesNotExist();
    }

    @Test
    void refusesBodyOverTheCapWithContentLength() throws Exception {
        byte[] crate = new byte[10_000];
        URI url = http.serve("big.crate", crate);

        assertThatThrownBy(
                        () ->
                                new SourceFetcher(client, 1_000)
                                        .fetch(url, sha256(crate), temp.resolve("s"), TIMEOUT))
                .isInstanceOf(JobFailure.class)
                .hasMessageContaining("larger than the limit of 1000 bytes");
        assertThat(temp.resolve("s")).doesNotExist();
    }

    @Test
    void refusesStreamedBodyOverTheCap() throws Exception {
        URI url = http.url("/stream/endless.crate");

        assertThatThrownBy(
                        () ->
                                new SourceFetcher(client, 100_000)
                                        .fetch(url, "0".repeat(64), temp.resolve("s"), TIMEOUT))
                .isInstanceOf(JobFailure.class)
                .hasMessageContaining("larger than the limit of 100000 bytes");
        assertThat(temp.resolve("s")).doesNotExist();
    }

    @Test
    void reportsHttpErrors() {
        URI url = http.url("/crates/missing.crate");

        assertThatThrownBy(
                        () ->
                                new SourceFetcher(client, 1_000)
                                        .fetch(url, "0".repeat(64), temp.resolve("s"), TIMEOUT))
                .isInstanceOf(JobFailure.class)
                .hasMessage("cannot fetch source: HTTP 404")
                .satisfies(e -> assertThat(code(e)).isEqualTo(FailureCode.SOURCE_MISMATCH));
    }

    @Test
    void blamesTheSubmissionOnlyForAUrlThatNamesNothing() {
        assertThat(SourceFetcher.statusFault(404)).isEqualTo(FailureCode.SOURCE_MISMATCH);
        assertThat(SourceFetcher.statusFault(410)).isEqualTo(FailureCode.SOURCE_MISMATCH);
        for (int status : new int[] {403, 429, 500, 502, 503}) {
            assertThat(SourceFetcher.statusFault(status)).isEqualTo(FailureCode.INFRASTRUCTURE);
        }
    }

    @Test
    void aNetworkErrorIsAnInfrastructureFailureThatNamesItsCause() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + closedPort + "/crates/demo.crate");

        assertThatThrownBy(
                        () ->
                                new SourceFetcher(client, 1_000)
                                        .fetch(url, "0".repeat(64), temp.resolve("s"), TIMEOUT))
                .isInstanceOf(JobFailure.class)
                .hasMessageContaining("ConnectException")
                .hasMessageNotContaining("null")
                .satisfies(e -> assertThat(code(e)).isEqualTo(FailureCode.INFRASTRUCTURE));
    }

    private static FailureCode code(Throwable failure) {
        return ((JobFailure) failure).code();
    }

    static String sha256(byte[] bytes) {
        return Sha256.hex(Sha256.newDigest().digest(bytes));
    }
}
