package dev.crateforge.localstack;

/** Where the local Kafka broker listens (PLAINTEXT, no authentication). */
public record KafkaAddress(String bootstrapServers) {}
