package dev.crateforge.localstack.server;

/** A server that is up: its child process and the address clients use. */
public record Started<A>(ServerProcess process, A address) {}
