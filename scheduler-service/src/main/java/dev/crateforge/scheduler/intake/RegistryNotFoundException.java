package dev.crateforge.scheduler.intake;

/** No registry of this name is configured under {@code crateforge.intake.registries}. */
public class RegistryNotFoundException extends RuntimeException {

    public RegistryNotFoundException(String name) {
        super("no registry named '" + name + "' is configured");
    }
}
