package dev.crateforge.builder.cli;

import dev.crateforge.builder.config.KeyFiles;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code crateforge-builder key}: prints what an operator registers with the gateway's admin API,
 * read from the same key file {@code run} uses, so that there is no doubt which key is meant.
 */
@Command(
        name = "key",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the public key line (first line) and its SHA256 fingerprint (second line),"
                    + " as `ssh-keygen -lf` shows it, to register this builder with the gateway."
        })
public class KeyCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--key",
            paramLabel = "FILE",
            defaultValue = "${sys:user.home}/.ssh/id_ed25519",
            description =
                    "Unencrypted OpenSSH private key of this builder (ed25519, ecdsa or rsa ≥ 2048"
                            + " bits). Default: ${DEFAULT-VALUE}")
    Path key;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with option defaults (key = long option name).")
    Path config;

    @Override
    public Integer call() {
        SshPrivateKey privateKey;
        try {
            privateKey = KeyFiles.load(key);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("crateforge-builder: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        spec.commandLine().getOut().println(privateKey.publicKey().openSshLineWithComment());
        spec.commandLine().getOut().println(privateKey.publicKey().fingerprint());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
