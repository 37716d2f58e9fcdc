package dev.crateforge.protocol.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crateforge.protocol.json.ProtocolJson;
import dev.crateforge.protocol.message.Hello;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A native image only knows the classes Jackson reflects on if they are registered. The protocol
 * jar ships that registration; this test keeps it complete as wire types are added.
 */
class ReflectionConfigTests {

    private static final String CONFIG =
            "/META-INF/native-image/dev.crateforge/protocol/reflect-config.json";
    private static final List<String> WIRE_PACKAGES =
            List.of(
                    "dev/crateforge/protocol/http",
                    "dev/crateforge/protocol/message",
                    "dev/crateforge/protocol/job",
                    "dev/crateforge/protocol/kafka");

    @Test
    void registersEveryWireTypeForReflection() throws Exception {
        Set<String> registered = registeredClassNames();

        assertThat(registered).containsAll(wireTypes());
    }

    @Test
    void registersOnlyClassesThatExist() throws Exception {
        for (String name : registeredClassNames()) {
            assertThat(Class.forName(name)).as(name).isNotNull();
        }
    }

    private static Set<String> registeredClassNames() throws IOException {
        Set<String> names = new HashSet<>();
        try (InputStream in = ReflectionConfigTests.class.getResourceAsStream(CONFIG)) {
            assertThat(in).as(CONFIG).isNotNull();
            for (JsonNode entry : ProtocolJson.mapper().readTree(in)) {
                assertThat(entry.path("allDeclaredConstructors").asBoolean()).isTrue();
                assertThat(entry.path("allDeclaredMethods").asBoolean()).isTrue();
                names.add(entry.path("name").asText());
            }
        }
        return names;
    }

    /** Records, enums and polymorphic interfaces of the wire packages: what Jackson touches. */
    private static Set<String> wireTypes()
            throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes =
                Path.of(Hello.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> types = new HashSet<>();
        for (String pkg : WIRE_PACKAGES) {
            try (Stream<Path> files = Files.list(classes.resolve(pkg))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    String name =
                            (pkg + "/" + file.getFileName())
                                    .replace('/', '.')
                                    .replaceAll("\\.class$", "");
                    Class<?> type = Class.forName(name);
                    if (type.isRecord()
                            || type.isEnum()
                            || (type.isInterface() && type.isSealed())) {
                        types.add(name);
                    }
                }
            }
        }
        assertThat(types).hasSizeGreaterThan(30);
        return types;
    }
}
