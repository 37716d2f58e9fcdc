/**
 * The transactional outbox, one implementation for every service that publishes records after a
 * database change. A service adopts it by depending on this module, listing the module's Flyway
 * location ({@code quarkus.flyway.locations=db/migration,db/outbox}: {@code V4__outbox.sql} creates
 * {@code outbox} and {@code outbox_shard}, so version 4 is taken in that service) and letting the
 * connection's search path name its schema ({@code currentSchema}), because the outbox uses plain
 * JDBC with unqualified table names. The migration's text is frozen: it was the scheduler's own
 * {@code V4} and databases that applied it validate its checksum. Settings: {@code
 * crateforge.outbox.*} ({@link dev.crateforge.messaging.outbox.OutboxConfig}).
 */
package dev.crateforge.messaging.outbox;
