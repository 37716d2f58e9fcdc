package dev.crateforge.localstack.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The rules a service's new Flyway migrations keep so that an upgrade never stops a busy farm. Each
 * service's tests run {@link #violations} over its own migration folder, so a migration that would
 * lock a large table is refused at review, not found in production.
 *
 * <p>Rule: an index on a table that already exists is built (or dropped) {@code CONCURRENTLY}, and
 * that statement is alone in its migration. A plain {@code CREATE INDEX} holds a lock that blocks
 * every insert and update of the table until the build ends: minutes on a job table of millions of
 * rows, during which no job can be submitted, assigned or finished. {@code CONCURRENTLY} cannot run
 * inside a transaction; Flyway's PostgreSQL parser recognises it and runs such a migration outside
 * one, which it only does for a migration that holds nothing else. An index on a table created in
 * the same migration is exempt: the table is empty.
 *
 * <p>Migrations up to a service's {@code lastLockingVersion} were written before the rule and are
 * left as they are (Flyway checks the checksum of applied migrations); docs/operations.md says
 * which of them lock what on upgrade.
 */
public final class MigrationRules {

    private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.+\\.sql");
    private static final Pattern CREATE_TABLE =
            Pattern.compile(
                    "^create\\s+(?:unlogged\\s+)?table\\s+(?:if\\s+not\\s+exists\\s+)?([\\w.\"]+)");
    private static final Pattern CREATE_INDEX =
            Pattern.compile(
                    "^create\\s+(?:unique\\s+)?index\\s+(concurrently\\s+)?(?:if\\s+not\\s+exists\\s+)?"
                            + "(?:[\\w.\"]+\\s+)?on\\s+(?:only\\s+)?([\\w.\"]+)");
    private static final Pattern DROP_INDEX =
            Pattern.compile(
                    "^drop\\s+index\\s+(concurrently\\s+)?(?:if\\s+exists\\s+)?([\\w.\"]+)");

    /** Where a service module keeps its migrations, relative to the module (a test's directory). */
    public static final Path SOURCES = Path.of("src/main/resources/db/migration");

    private MigrationRules() {}

    /** {@link #violations} over the migrations of the module whose tests are running. */
    public static List<String> violationsInSources(int lastLockingVersion) {
        return violations(SOURCES, lastLockingVersion);
    }

    /**
     * Every break of the rule in the migrations of {@code directory} newer than {@code
     * lastLockingVersion}, one readable sentence each, naming the file; empty when all keep it.
     */
    public static List<String> violations(Path directory, int lastLockingVersion) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                Matcher name = VERSIONED.matcher(file.getFileName().toString());
                if (name.matches() && Integer.parseInt(name.group(1)) > lastLockingVersion) {
                    found.addAll(
                            violationsOf(
                                    file.getFileName().toString(),
                                    Files.readString(file, StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migrations in " + directory, e);
        }
        return found;
    }

    /** The breaks of the rule in one migration's text. */
    static List<String> violationsOf(String file, String sql) {
        List<String> statements = statements(sql);
        Set<String> createdHere = new HashSet<>();
        List<String> found = new ArrayList<>();
        for (String statement : statements) {
            Matcher table = CREATE_TABLE.matcher(statement);
            if (table.find()) {
                createdHere.add(table.group(1));
            }
            Matcher create = CREATE_INDEX.matcher(statement);
            Matcher drop = DROP_INDEX.matcher(statement);
            boolean concurrently;
            String subject;
            if (create.find()) {
                concurrently = create.group(1) != null;
                subject = create.group(2);
                if (!concurrently && createdHere.contains(subject)) {
                    continue;
                }
                subject = "an index on " + subject;
            } else if (drop.find()) {
                concurrently = drop.group(1) != null;
                subject = "index " + drop.group(2);
            } else {
                continue;
            }
            if (!concurrently) {
                found.add(
                        file
                                + ": "
                                + subject
                                + " is built or dropped without CONCURRENTLY, which blocks every"
                                + " write to the table while it runs");
            } else if (statements.size() > 1) {
                found.add(
                        file
                                + ": "
                                + subject
                                + " is built or dropped CONCURRENTLY beside other statements; it"
                                + " must be alone in its migration, which Flyway then runs outside a"
                                + " transaction");
            }
        }
        return found;
    }

    /** The statements of a migration, lower case, comments removed, whitespace collapsed. */
    private static List<String> statements(String sql) {
        String withoutComments =
                sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ");
        List<String> statements = new ArrayList<>();
        for (String part : withoutComments.split(";")) {
            String statement = part.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
            if (!statement.isEmpty()) {
                statements.add(statement);
            }
        }
        return statements;
    }
}
