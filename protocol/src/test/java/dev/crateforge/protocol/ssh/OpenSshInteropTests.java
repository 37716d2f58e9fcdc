package dev.crateforge.protocol.ssh;

import static dev.crateforge.protocol.ssh.SshFixtures.message;
import static dev.crateforge.protocol.ssh.SshFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Live cross-checks against the real {@code ssh-keygen}: what we sign, OpenSSH verifies; what
 * OpenSSH signs, we verify; our fingerprints are OpenSSH's. Skipped loudly where ssh-keygen is
 * missing (CI has it, so CI runs these).
 */
class OpenSshInteropTests {
    private static final String PRINCIPAL = "builder@crateforge.test";

    @TempDir Path dir;

    @BeforeAll
    static void requireSshKeygen() {
        boolean present = sshKeygenPresent();
        if (!present) {
            System.err.println(
                    "WARNING: ssh-keygen not found: SKIPPING live OpenSSH interop tests");
        }
        Assumptions.assumeTrue(present, "ssh-keygen not found: SKIPPING live OpenSSH interop");
    }

    @Test
    void generatedKeyFileIsReadBySshKeygen() throws Exception {
        SshPrivateKey key = SshPrivateKey.generateEd25519();
        Path file = dir.resolve("generated");
        Files.writeString(file, key.toOpenSsh());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        Result derived = run(null, List.of("-y", "-f", file.toString()));

        assertThat(SshPublicKey.parse(derived.output.strip())).isEqualTo(key.publicKey());
        SshSignature sig = key.sign("crateforge-artifact", message());
        assertThat(sshKeygenVerifies(key.publicKey(), "crateforge-artifact", sig, message()))
                .isTrue();
    }

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void javaSignatureVerifiesWithSshKeygen(String name) throws Exception {
        SshPrivateKey key = SshFixtures.privateKey(name);
        for (SshHashAlgorithm hash : SshHashAlgorithm.values()) {
            SshSignature sig = key.sign("crateforge-artifact", message(), hash);
            assertThat(sshKeygenVerifies(key.publicKey(), "crateforge-artifact", sig, message()))
                    .as("%s with %s", name, hash)
                    .isTrue();
            assertThat(sshKeygenVerifies(key.publicKey(), "other-namespace", sig, message()))
                    .isFalse();
        }
    }

    @Test
    void javaEcdsaSignaturesWithAndWithoutLeadingZeroVerifyWithSshKeygen() throws Exception {
        // An r with the high bit set is encoded as a 33-byte mpint with a 0x00 prefix. Signing
        // is deterministic (RFC 6979), so the first messages of each kind are always the same.
        SshPrivateKey key = SshFixtures.privateKey("ecdsa256");
        boolean prefixed = false;
        boolean plain = false;
        for (int i = 0; i < 64 && !(prefixed && plain); i++) {
            byte[] msg = ("message " + i).getBytes(StandardCharsets.UTF_8);
            SshSignature sig = key.sign("ns", msg);
            int rLength =
                    new SshWireReader(SshSigCrafter.from(sig).signature).readString("r", 64).length;
            boolean isPrefixed = rLength == 33;
            if (isPrefixed ? !prefixed : !plain) {
                assertThat(sshKeygenVerifies(key.publicKey(), "ns", sig, msg)).isTrue();
                prefixed |= isPrefixed;
                plain |= !isPrefixed;
            }
        }
        assertThat(prefixed).as("saw an r with 0x00 prefix").isTrue();
        assertThat(plain).as("saw an r without prefix").isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "ed25519, 0, sha512",
        "ecdsa, 256, sha512",
        "ecdsa, 384, sha256",
        "ecdsa, 521, sha512",
        "rsa, 2048, sha512",
        "rsa, 3072, sha256"
    })
    void freshSshKeygenKeysAndSignaturesWorkInJava(String type, int bits, String hash)
            throws Exception {
        Path keyFile = dir.resolve("id");
        List<String> gen = new ArrayList<>(List.of("-q", "-t", type, "-N", "", "-C", "fresh"));
        if (bits > 0) {
            gen.addAll(List.of("-b", Integer.toString(bits)));
        }
        gen.addAll(List.of("-f", keyFile.toString()));
        run(null, gen);

        SshPublicKey pub = SshPublicKey.parse(Files.readString(dir.resolve("id.pub")));
        String lf = run(null, List.of("-lf", dir.resolve("id.pub").toString())).output;
        assertThat(pub.fingerprint()).isEqualTo(SshFixtures.fingerprintOf(lf));
        SshPrivateKey priv = SshPrivateKey.parse(Files.readString(keyFile));
        assertThat(priv.publicKey()).isEqualTo(pub);

        Path msg = dir.resolve("msg");
        Files.write(msg, message());
        run(
                null,
                List.of(
                        "-Y",
                        "sign",
                        "-f",
                        keyFile.toString(),
                        "-n",
                        "fresh-ns",
                        "-O",
                        "hashalg=" + hash,
                        msg.toString()));
        SshSignature sig = SshSignature.parse(Files.readString(dir.resolve("msg.sig")));
        assertThat(sig.hashAlgorithm().wireName()).isEqualTo(hash);
        assertThat(sig.verify(pub, "fresh-ns", message())).isTrue();
        assertThat(sig.verify(pub, "fresh-ns", new byte[] {1})).isFalse();
        assertThat(sig.armored()).isEqualTo(Files.readString(dir.resolve("msg.sig")));
    }

    @ParameterizedTest
    @MethodSource("dev.crateforge.protocol.ssh.SshFixtures#keys")
    void canonicalLineHasSshKeygenFingerprint(String name) throws Exception {
        SshPublicKey key = SshPublicKey.parse(text(name + ".pub"));
        Path pub = dir.resolve(name + ".pub");
        Files.writeString(pub, key.openSshLine() + "\n");
        String lf = run(null, List.of("-lf", pub.toString())).output;
        assertThat(key.fingerprint()).isEqualTo(SshFixtures.fingerprintOf(lf));
    }

    private boolean sshKeygenVerifies(
            SshPublicKey key, String namespace, SshSignature sig, byte[] message)
            throws IOException, InterruptedException {
        Path allowed = dir.resolve("allowed_signers");
        Files.writeString(allowed, PRINCIPAL + " " + key.openSshLine() + "\n");
        Path sigFile = dir.resolve("sig");
        Files.writeString(sigFile, sig.armored());
        Path msg = dir.resolve("verify-msg");
        Files.write(msg, message);
        Result r =
                exec(
                        msg.toFile(),
                        List.of(
                                "-Y",
                                "verify",
                                "-f",
                                allowed.toString(),
                                "-I",
                                PRINCIPAL,
                                "-n",
                                namespace,
                                "-s",
                                sigFile.toString()));
        return r.exitCode == 0;
    }

    private record Result(int exitCode, String output) {}

    private Result run(File stdin, List<String> args) throws IOException, InterruptedException {
        Result r = exec(stdin, args);
        assertThat(r.exitCode).as("ssh-keygen %s: %s", args, r.output).isZero();
        return r;
    }

    private Result exec(File stdin, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ssh-keygen");
        cmd.addAll(args);
        ProcessBuilder pb =
                new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.redirectInput(
                stdin == null
                        ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                        : ProcessBuilder.Redirect.from(stdin));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("ssh-keygen timed out: " + args);
        }
        return new Result(p.exitValue(), out);
    }

    private static boolean sshKeygenPresent() {
        try {
            Process p =
                    new ProcessBuilder("ssh-keygen", "-?")
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
            return p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
