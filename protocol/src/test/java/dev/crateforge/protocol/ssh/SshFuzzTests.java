package dev.crateforge.protocol.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Fuzz tests of the SSH parsers. In a normal build they replay the seed inputs under {@code
 * src/test/resources/dev/crateforge/protocol/ssh/SshFuzzTestsInputs/<method>/} (regression mode);
 * with {@code JAZZER_FUZZ=1} they fuzz (see docs/fuzzing.md).
 *
 * <p>The property: arbitrary input either parses or fails with {@link SshFormatException}; no other
 * exception escapes, and verify never throws.
 */
class SshFuzzTests {

    @FuzzTest(maxDuration = "10m")
    void signatureParseAndVerify(byte[] input) {
        // Binary blobs reach the wire parser directly; the text path covers armor and base64.
        check(() -> SshSignature.fromBlob(input), input);
        check(() -> SshSignature.parse(Base64.getEncoder().encodeToString(input)), input);
        check(() -> SshSignature.parse(new String(input, StandardCharsets.ISO_8859_1)), input);
    }

    @FuzzTest(maxDuration = "10m")
    void publicKeyParse(byte[] input) throws SshFormatException {
        Outcome o = attempt(() -> SshPublicKey.fromBlob(input));
        if (o.value instanceof SshPublicKey key) {
            assertThat(key.fingerprint()).startsWith("SHA256:");
            assertThat(SshPublicKey.parse(key.openSshLine())).isEqualTo(key);
        }
        attempt(() -> SshPublicKey.parse(new String(input, StandardCharsets.ISO_8859_1)));
        attempt(
                () ->
                        SshPublicKey.parse(
                                "ssh-ed25519 " + Base64.getEncoder().encodeToString(input)));
    }

    @FuzzTest(maxDuration = "10m")
    void privateKeyParse(byte[] input) throws SshFormatException {
        String armored =
                "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(input)
                        + "\n-----END OPENSSH PRIVATE KEY-----\n";
        Outcome o = attempt(() -> SshPrivateKey.parse(armored));
        if (o.value instanceof SshPrivateKey key) {
            SshSignature sig = key.sign("fuzz", input);
            assertThat(sig.verify(key.publicKey(), "fuzz", input)).isTrue();
        }
        attempt(() -> SshPrivateKey.parse(new String(input, StandardCharsets.ISO_8859_1)));
    }

    private static void check(ThrowingSupplier<SshSignature> parse, byte[] message) {
        Outcome o = attempt(parse::get);
        if (o.value instanceof SshSignature sig) {
            // verify against the embedded key: exercises lazy key decoding and every algorithm.
            boolean ok = sig.verify(sig.publicKey(), sig.namespace(), message);
            assertThat(ok).isIn(true, false);
            assertThat(sig.armored()).startsWith("-----BEGIN SSH SIGNATURE-----\n");
        }
    }

    /** Runs {@code action}, letting only SshFormatException through as a normal outcome. */
    private static Outcome attempt(ThrowingSupplier<?> action) {
        try {
            return new Outcome(action.get(), null);
        } catch (SshFormatException e) {
            assertThat(e.getMessage()).isNotBlank();
            return new Outcome(null, e);
        } catch (Exception e) {
            throw new AssertionError("unexpected checked exception", e);
        }
    }

    private record Outcome(Object value, SshFormatException error) {}

    @FunctionalInterface
    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }
}
