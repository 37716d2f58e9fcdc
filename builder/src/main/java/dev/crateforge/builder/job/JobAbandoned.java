package dev.crateforge.builder.job;

/**
 * This attempt is no longer ours (cancelled, or reassigned so that its token is refused): stop and
 * send nothing more for it, as docs/protocol.md asks.
 */
public class JobAbandoned extends Exception {

    private static final long serialVersionUID = 1L;

    public JobAbandoned(String reason) {
        super(reason);
    }
}
