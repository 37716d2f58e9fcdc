package dev.crateforge.artifact.service.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestJobs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CheckPipeTests {

    private static final int CAPACITY = 4096;
    private static final Duration STALL = Duration.ofSeconds(30);

    private final ExecutorService reader = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopReader() throws InterruptedException {
        reader.shutdownNow();
        assertThat(reader.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Writes {@code bytes} in uneven pieces, as the store client reads them, then finishes. */
    private static void writeAll(CheckPipe pipe, byte[] bytes) {
        int offset = 0;
        int piece = 1;
        while (offset < bytes.length) {
            int n = Math.min(piece, bytes.length - offset);
            pipe.write(bytes, offset, n);
            offset += n;
            piece = piece * 3 % 10_007 + 1;
        }
        pipe.finish();
    }

    @Test
    void handsOverEveryByteInOrderAndCountsDownWhatIsStillToCome() throws Exception {
        byte[] body = TestJobs.randomBytes(300_000);
        CheckPipe pipe = new CheckPipe(CAPACITY, body.length, STALL);
        InputStream in = pipe.reader();
        assertThat(in.available()).isEqualTo(body.length);
        CompletableFuture<byte[]> read =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return in.readAllBytes();
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        },
                        reader);
        writeAll(pipe, body);
        assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(body);
        assertThat(in.available()).isZero();
    }

    @Test
    void aReaderDoneBeforeTheEndLetsTheWriterDropTheRest() {
        CheckPipe pipe = new CheckPipe(CAPACITY, 100_000, STALL);
        pipe.readerEnded(CheckPipe.ReaderState.DONE);
        // Far more than the pipe holds, with nobody reading: nothing waits.
        writeAll(pipe, new byte[100_000]);
    }

    @Test
    void aReaderThatStoppedStopsTheWriterWithAnUncheckedException() {
        CheckPipe pipe = new CheckPipe(CAPACITY, 100, STALL);
        pipe.write(new byte[10], 0, 10);
        pipe.readerEnded(CheckPipe.ReaderState.STOPPED);
        assertThatThrownBy(() -> pipe.write(new byte[10], 0, 10))
                .isInstanceOf(CheckPipe.ReaderStopped.class);
        // A later "done" does not undo the stop.
        pipe.readerEnded(CheckPipe.ReaderState.DONE);
        assertThatThrownBy(() -> pipe.write(new byte[10], 0, 10))
                .isInstanceOf(CheckPipe.ReaderStopped.class);
    }

    @Test
    void anAbortWakesAWaitingReaderAndRefusesBytesStillHeld() throws Exception {
        CheckPipe pipe = new CheckPipe(CAPACITY, 100, STALL);
        CompletableFuture<Integer> waiting =
                CompletableFuture.supplyAsync(() -> readOne(pipe.reader()), reader);
        pipe.abort();
        assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(CheckPipe.Aborted.class);

        CheckPipe holding = new CheckPipe(CAPACITY, 100, STALL);
        holding.write(new byte[10], 0, 10);
        holding.abort();
        assertThatThrownBy(() -> holding.reader().read()).isInstanceOf(CheckPipe.Aborted.class);
    }

    private static int readOne(InputStream in) {
        try {
            return in.read();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aWriterGivesUpWhenTheReaderTakesNothingForTheStallTime() {
        CheckPipe pipe = new CheckPipe(CAPACITY, 100_000, Duration.ofMillis(50));
        assertThatThrownBy(() -> pipe.write(new byte[CAPACITY + 1], 0, CAPACITY + 1))
                .isInstanceOf(CheckPipe.ReaderStopped.class)
                .hasMessage("the content check fell behind the upload");
    }

    @Test
    void aValidatorDecidesThroughThePipeAsOnTheBytesInMemory() throws Exception {
        byte[] archive = TestArtifacts.binary(200_000);
        byte[][] bodies = {
            archive,
            BinaryArchiveValidatorTests.concat(archive, "trailing text".getBytes()),
            BinaryArchiveValidatorTests.concat(archive, TestJobs.randomBytes(50_000)),
            BinaryArchiveValidatorTests.concat(archive, archive),
            BinaryArchiveValidatorTests.concat(archive, Arrays.copyOf(archive, 100)),
            Arrays.copyOf(archive, archive.length - 10),
            "not gzip".getBytes(),
        };
        BinaryArchiveValidator validator = new BinaryArchiveValidator(10, 1 << 30);
        for (byte[] body : bodies) {
            Optional<String> inMemory = verdict(validator, new ByteArrayInputStream(body));
            CheckPipe pipe = new CheckPipe(CAPACITY, body.length, STALL);
            CompletableFuture<Optional<String>> piped =
                    CompletableFuture.supplyAsync(
                            () -> {
                                Optional<String> v = verdict(validator, pipe.reader());
                                pipe.readerEnded(
                                        v.isEmpty()
                                                ? CheckPipe.ReaderState.DONE
                                                : CheckPipe.ReaderState.STOPPED);
                                return v;
                            },
                            reader);
            try {
                writeAll(pipe, body);
            } catch (CheckPipe.ReaderStopped stopped) {
                // The validator refused before the last byte: the upload stops here.
            }
            assertThat(piped.get(30, TimeUnit.SECONDS)).isEqualTo(inMemory);
        }
    }

    /** Empty when accepted, else the refusal's detail. */
    private static Optional<String> verdict(BinaryArchiveValidator validator, InputStream in) {
        try {
            validator.check(in);
            return Optional.empty();
        } catch (InvalidArtifact e) {
            return Optional.of(e.getMessage());
        }
    }
}
