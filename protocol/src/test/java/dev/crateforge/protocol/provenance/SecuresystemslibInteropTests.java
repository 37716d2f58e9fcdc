package dev.crateforge.protocol.provenance;

import static dev.crateforge.protocol.provenance.ProvenanceFixtures.envelope;
import static dev.crateforge.protocol.provenance.ProvenanceFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.protocol.json.ProtocolJson;
import dev.crateforge.protocol.ssh.RawSignatures;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The envelopes our builders sign, verified by a tool we did not write: Debian's
 * python3-securesystemslib, through the same few lines of Python the operations guide shows a user.
 * Skipped loudly where python3 with securesystemslib is missing (CI installs it).
 */
class SecuresystemslibInteropTests {

    private static String python;

    @TempDir Path dir;

    @BeforeAll
    static void requireSecuresystemslib() {
        python = findPython();
        if (python == null) {
            System.err.println(
                    "WARNING: no python3 with securesystemslib: SKIPPING DSSE interop tests"
                            + " (apt-get install python3-securesystemslib)");
        }
        Assumptions.assumeTrue(
                python != null, "no python3 with securesystemslib: SKIPPING DSSE interop");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa256", "ecdsa384", "rsa2048"})
    void securesystemslibVerifiesOurEnvelope(String name) throws Exception {
        SshPrivateKey key = key(name);
        DsseEnvelope envelope = envelope(key);

        Result result = verify(envelope, key);

        assertThat(result.exit).as(result.output).isZero();
        assertThat(result.output).contains("verified https://slsa.dev/provenance/v1");
    }

    @Test
    void securesystemslibRefusesATamperedPayload() throws Exception {
        SshPrivateKey key = key("ed25519");
        DsseEnvelope good = envelope(key);
        String json =
                new String(Base64.getDecoder().decode(good.payload()), StandardCharsets.UTF_8)
                        .replace("ripgrep-14.1.0", "ripgrep-14.1.1");
        DsseEnvelope tampered =
                new DsseEnvelope(
                        good.payloadType(),
                        Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)),
                        good.signatures());

        Result result = verify(tampered, key);

        assertThat(result.exit).as(result.output).isEqualTo(1);
        assertThat(result.output).contains("not verified");
    }

    @Test
    void securesystemslibRefusesAnotherKey() throws Exception {
        DsseEnvelope envelope = envelope(key("ecdsa256"));
        SshPrivateKey other = key("ecdsa384");
        // Same key id as the signature, so that the refusal is the cryptography's.
        Map<String, Object> keyFile =
                new LinkedHashMap<>(RawSignatures.securesystemslibKey(other.publicKey()));
        keyFile.put("keyid", envelope.signatures().get(0).keyid());

        Result result = run(envelope, keyFile);

        assertThat(result.exit).as(result.output).isEqualTo(1);
    }

    private Result verify(DsseEnvelope envelope, SshPrivateKey key) throws Exception {
        Map<String, Object> keyFile = new LinkedHashMap<>();
        keyFile.put("keyid", RawSignatures.keyId(key.publicKey()));
        keyFile.putAll(RawSignatures.securesystemslibKey(key.publicKey()));
        return run(envelope, keyFile);
    }

    private Result run(DsseEnvelope envelope, Map<String, Object> keyFile) throws Exception {
        Path script = dir.resolve("verify_dsse.py");
        try (InputStream in = getClass().getResourceAsStream("/provenance/verify_dsse.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path envelopeFile = dir.resolve("envelope.json");
        Path keyPath = dir.resolve("builder-key.json");
        Files.writeString(envelopeFile, ProtocolJson.encode(envelope));
        Files.writeString(keyPath, ProtocolJson.encode(keyFile));
        Process p =
                new ProcessBuilder(
                                python,
                                script.toString(),
                                envelopeFile.toString(),
                                keyPath.toString())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }

    private record Result(int exit, String output) {}

    /** Debian's python3 first: a python3 earlier on the PATH may lack Debian's packages. */
    private static String findPython() {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p =
                        new ProcessBuilder(candidate, "-c", "import securesystemslib.signer")
                                .redirectErrorStream(true)
                                .start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // not there: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }
}
