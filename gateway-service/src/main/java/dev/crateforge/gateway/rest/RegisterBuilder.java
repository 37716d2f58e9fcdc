package dev.crateforge.gateway.rest;

import java.util.List;

/**
 * Body of {@code POST /api/v1/builders}.
 *
 * @param publicKey one OpenSSH public key line, as in the builder's {@code .pub} file
 * @param allowedTargets target triples the builder may build; empty or absent for all
 * @param maxConcurrentJobs 1 to 64, default 1
 * @param enabled default true
 * @param owner who runs the builder (optional; same form as a name): the independent builds of one
 *     reproduction never go to two builders of one owner
 */
public record RegisterBuilder(
        String name,
        String publicKey,
        List<String> allowedTargets,
        Integer maxConcurrentJobs,
        Boolean enabled,
        String owner) {}
