package dev.crateforge.artifact.service;

import java.util.UUID;

/**
 * The builds of a reproduction were found to disagree (fired inside the transaction that kept the
 * verdict, observed once it commits): their outputs are to be compared.
 */
public record ReproductionDisagreed(UUID group) {}
