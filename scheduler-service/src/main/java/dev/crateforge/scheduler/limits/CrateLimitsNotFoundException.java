package dev.crateforge.scheduler.limits;

/** No operator set limits for the crate: answered with 404. */
public class CrateLimitsNotFoundException extends RuntimeException {

    public CrateLimitsNotFoundException(String crate) {
        super("no limits are set for crate '" + crate + "'");
    }
}
