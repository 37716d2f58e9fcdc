package dev.crateforge.localstack;

/** A database created for one test run, with everything a client needs to connect. */
public record Database(String name, String jdbcUrl, String username, String password) {}
