package dev.crateforge.gateway.service;

import java.util.UUID;

/** No builder has this id. */
public final class BuilderNotFoundException extends RuntimeException {

    public BuilderNotFoundException(UUID id) {
        super("no builder with id " + id);
    }
}
