package dev.crateforge.gateway.config;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Gives {@code crateforge.gateway.instance-id} a default that is known before the application
 * starts: the pod's HOSTNAME, else a random id. It must be a configuration value (not computed in a
 * bean) because the Kafka consumer group names are built from it in application.properties.
 */
public final class InstanceIdConfigSource implements ConfigSource {

    private static final String KEY = "crateforge.gateway.instance-id";
    private static final String DEFAULT = defaultInstanceId();

    private static String defaultInstanceId() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank() && host.length() <= 100) {
            return host.strip();
        }
        return "gateway-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(KEY);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(KEY, DEFAULT);
    }

    @Override
    public String getValue(String propertyName) {
        return KEY.equals(propertyName) ? DEFAULT : null;
    }

    @Override
    public String getName() {
        return "crateforge-gateway-instance-id-default";
    }

    /** Below every ordinary source, so that any explicit setting wins. */
    @Override
    public int getOrdinal() {
        return 10;
    }
}
