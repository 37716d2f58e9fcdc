package dev.crateforge.gateway.rest;

import java.util.List;

/** Body of {@code PATCH /api/v1/builders/{id}}: absent fields stay as they are. */
public record UpdateBuilder(String name, List<String> allowedTargets, Integer maxConcurrentJobs) {}
