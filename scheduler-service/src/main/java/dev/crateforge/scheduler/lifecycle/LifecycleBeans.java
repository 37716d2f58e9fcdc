package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.scheduler.config.SchedulerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the deployment's {@link JobLifecycle} injectable; the type itself knows nothing of CDI. */
@ApplicationScoped
public class LifecycleBeans {

    @Produces
    @Singleton
    JobLifecycle jobLifecycle(SchedulerConfig config) {
        return new JobLifecycle(LifecyclePolicy.of(config));
    }
}
