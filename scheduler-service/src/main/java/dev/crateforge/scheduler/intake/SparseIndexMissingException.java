package dev.crateforge.scheduler.intake;

/** A per-crate look-up was asked of a registry without a sparse index. */
public class SparseIndexMissingException extends RuntimeException {

    public SparseIndexMissingException(String name) {
        super("registry '" + name + "' has no sparse-index configured");
    }
}
