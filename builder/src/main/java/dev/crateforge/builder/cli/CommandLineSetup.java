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
        CommandLine commandLine = factory.create();
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setDefaultValueProvider(defaults);
        commandLine.setExecutionExceptionHandler(
                (e, cmd, parseResult) -> {
                    cmd.getErr().println("crateforge-builder: " + e.getMessage());
                    return ExitCodes.FAILURE;
                });
        return commandLine;
    }
}
