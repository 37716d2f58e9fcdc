package dev.crateforge.scheduler.console;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operator signed in to the console, as the verified token names them.
 *
 * @param name who the audit records: the token's upn, else preferred_username, else sub (as the API
 *     records it)
 * @param groups the token's groups (roles)
 * @param expiresAt when the token, and so the session, ends
 * @param token the verified token, which is the session cookie's value
 */
public record Operator(String name, Set<String> groups, Instant expiresAt, String token) {

    /** Roles that may cancel, retry and re-prioritise jobs, as in the jobs API. */
    static final Set<String> JOB_ROLES = Set.of("submitter", "admin");

    static final String ADMIN = "admin";

    public boolean canChangeJobs() {
        return groups.stream().anyMatch(JOB_ROLES::contains);
    }

    public boolean admin() {
        return groups.contains(ADMIN);
    }

    /** The roles the console knows, sorted, for the page. */
    public String roles() {
        Set<String> known = new TreeSet<>(groups);
        known.retainAll(JOB_ROLES);
        return String.join(", ", known);
    }

    @Override
    public String toString() {
        // Never the token: records end up in logs.
        return "Operator[" + name + ", " + roles() + ", until " + expiresAt + "]";
    }
}
