package dev.crateforge.messaging.outbox;

/** One record waiting in the outbox: where it goes, its key (records of one key stay in order). */
public record OutboxRecord(String topic, String key, byte[] value) {}
