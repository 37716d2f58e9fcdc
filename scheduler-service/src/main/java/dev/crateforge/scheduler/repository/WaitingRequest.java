package dev.crateforge.scheduler.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A builder connection's standing request for work. */
public record WaitingRequest(
        String connectionId,
        UUID builderId,
        String gatewayInstance,
        List<String> targets,
        int freeSlots,
        Instant requestedAt) {}
