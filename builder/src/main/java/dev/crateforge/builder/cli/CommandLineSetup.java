package dev.crateforge.builder.cli;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import io.quarkus.runtime.annotations.CommandLineArguments;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import picocli.CommandLine;

/**
 * Configures picocli once: defaults from the environment and the config file, case-insensitive enum
 * values ({@code --sandbox BWRAP} works too) and one-line errors instead of stack traces.
 */
@ApplicationScoped
public class CommandLineSetup {

    @Produces
    @Singleton
    ConfigDefaults configDefaults(@CommandLineArguments String[] args) {
        return ConfigDefaults.load(args, System.getenv());
    }

    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory, ConfigDefaults defaults) {
        CommandLine commandLine = configure(factory.create(), defaults);
        commandLine.setExecutionExceptionHandler(
                (e, cmd, parseResult) -> {
                    cmd.getErr().println("crateforge-builder: " + e.getMessage());
                    return ExitCodes.FAILURE;
                });
        return commandLine;
    }

    /** The parsing rules shared by the application and the tests that parse without Quarkus. */
    static CommandLine configure(CommandLine commandLine, ConfigDefaults defaults) {
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setDefaultValueProvider(defaults);
        return commandLine;
    }
}
