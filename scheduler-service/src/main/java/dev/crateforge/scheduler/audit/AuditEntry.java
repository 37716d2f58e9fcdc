package dev.crateforge.scheduler.audit;

import java.time.Instant;

/**
 * One operator action as the audit keeps it.
 *
 * @param actor the operator's name from the token (upn, else preferred_username, else sub)
 * @param action what was done, e.g. {@code cancel}, {@code retry}, {@code set-priority}
 * @param targetKind {@code job} or {@code crate}
 * @param target the job's id or the crate's name
 * @param oldValue the value before the action, when it had one
 * @param newValue the value after it, when it has one
 */
public record AuditEntry(
        long id,
        Instant at,
        String actor,
        String action,
        String targetKind,
        String target,
        String oldValue,
        String newValue) {}
