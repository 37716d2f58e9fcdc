package dev.crateforge.builder.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine;

/**
 * Option values from the environment and a config file, for options not given on the command line.
 *
 * <p>Precedence: command line, then the environment variable {@code CRATEFORGE_BUILDER_<OPTION>}
 * (the long option name in upper case with {@code -} as {@code _}, e.g. {@code
 * CRATEFORGE_BUILDER_GATEWAY}), then the key {@code <option>} (the long name without dashes) of the
 * properties file given by {@code --config} or {@code CRATEFORGE_BUILDER_CONFIG}, then the built-in
 * default. The config file is found by scanning the raw arguments because picocli applies defaults
 * before it parses.
 */
public final class ConfigDefaults implements CommandLine.IDefaultValueProvider {

    /** Prefix of every environment variable the builder reads. */
    public static final String ENV_PREFIX = "CRATEFORGE_BUILDER_";

    private final Properties file;
    private final Map<String, String> env;
    private final String loadError;

    private ConfigDefaults(Properties file, Map<String, String> env, String loadError) {
        this.file = file;
        this.env = env;
        this.loadError = loadError;
    }

    /** Reads the config file named by the arguments or the environment, if any. */
    public static ConfigDefaults load(String[] args, Map<String, String> env) {
        Optional<String> configFile = configArgument(args);
        if (configFile.isEmpty()) {
            configFile = Optional.ofNullable(env.get(ENV_PREFIX + "CONFIG"));
        }
        Properties properties = new Properties();
        if (configFile.isPresent()) {
            Path path = Path.of(configFile.get());
            try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                return new ConfigDefaults(
                        properties,
                        env,
                        "cannot read config file "
                                + path
                                + ": "
                                + e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : " " + e.getMessage()));
            }
        }
        return new ConfigDefaults(properties, env, null);
    }

    /** Why the config file could not be read, if it could not. */
    public Optional<String> loadError() {
        return Optional.ofNullable(loadError);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (!(argSpec instanceof CommandLine.Model.OptionSpec option)) {
            return null;
        }
        String name = option.longestName().replaceFirst("^-+", "");
        if (name.equals("help") || name.equals("version") || name.equals("config")) {
            return null;
        }
        String fromEnv = env.get(envName(name));
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        String fromFile = file.getProperty(name);
        return fromFile == null ? null : fromFile.trim();
    }

    /** The environment variable of a long option name (without dashes). */
    public static String envName(String optionName) {
        return ENV_PREFIX + optionName.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static Optional<String> configArgument(String[] args) {
        if (args == null) {
            return Optional.empty();
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Optional.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Optional.of(args[i].substring("--config=".length()));
            }
        }
        return Optional.empty();
    }
}
