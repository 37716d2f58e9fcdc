package dev.crateforge.gateway.support;

import dev.crateforge.gateway.service.BuilderRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the gateway's Quarkus tests share: an empty registry before each test, and clients that are
 * closed after it. Subclasses carry the same test resources, so that they share one app.
 */
public abstract class GatewayTest {

    @Inject protected BuilderRegistry registry;

    @TestHTTPResource("/")
    protected URI base;

    private final List<BuilderClient> clients = new ArrayList<>();

    @BeforeEach
    void emptyRegistry() {
        registry.list().forEach(b -> registry.delete(b.getId()));
    }

    @AfterEach
    void closeClients() {
        clients.forEach(BuilderClient::close);
        clients.clear();
    }

    protected BuilderClient connect() {
        BuilderClient client = BuilderClient.connect(base);
        clients.add(client);
        return client;
    }

    protected UUID register(String key) {
        return register(key, List.of(), 1, true);
    }

    protected UUID register(String key, List<String> targets, int maxJobs, boolean enabled) {
        return registry.register(
                        key.replace('/', '-') + "-builder",
                        TestKeys.publicLine(key),
                        targets,
                        maxJobs,
                        enabled,
                        null)
                .getId();
    }
}
