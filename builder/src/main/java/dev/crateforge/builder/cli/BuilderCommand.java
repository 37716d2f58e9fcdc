package dev.crateforge.builder.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code crateforge-builder}: the entry point; the work is in its subcommands. */
@TopCommand
@Command(
        name = "crateforge-builder",
        mixinStandardHelpOptions = true,
        version = BuilderCommand.AGENT,
        description = {
            "The CrateForge reference builder: connects to a CrateForge gateway, takes build jobs,"
                    + " builds crates with cargo and uploads signed results.",
            "",
            "Every option of `run` can also come from the environment (CRATEFORGE_BUILDER_<OPTION>,"
                    + " e.g. CRATEFORGE_BUILDER_GATEWAY) or from a properties file given with"
                    + " --config (key = the long option name without dashes)."
        },
        subcommands = {RunCommand.class, KeyCommand.class, HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped normally",
            "1:unexpected error",
            "2:bad usage or configuration (unknown option, missing gateway, unreadable key)",
            "3:the gateway refused this builder (a close marked stop, e.g. 1008 authentication"
                    + " failed)",
            "4:no working sandbox (bwrap missing or unable to run a command) and no --sandbox"
                    + " none"
        })
public class BuilderCommand implements Callable<Integer> {

    /** The software name and version sent in {@code hello}. */
    public static final String AGENT = "crateforge-builder/0.1.0";

    /**
     * The {@code hello} agent of a builder: the software, plus {@code sandbox=none} when builds run
     * unsandboxed, so that the gateway's operator sees it on every connection.
     */
    public static String agent(boolean sandboxed) {
        return sandboxed ? AGENT : AGENT + " sandbox=none";
    }

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
