package dev.crateforge.scheduler.job;

import java.util.UUID;

/** No job has this id. */
public class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(UUID id) {
        super("no job with id " + id);
    }
}
