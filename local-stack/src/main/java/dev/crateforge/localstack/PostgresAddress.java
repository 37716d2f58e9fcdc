package dev.crateforge.localstack;

/**
 * Where the local PostgreSQL listens and how to log in. The server trusts loopback connections, so
 * the password is only there because clients insist on one.
 */
public record PostgresAddress(String host, int port, String username, String password) {

    /** The JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }
}
