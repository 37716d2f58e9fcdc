package dev.crateforge.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second JVM finds a running stack through its attach file and uses it like its own. */
class AttachTest {

    @Test
    void attachedStackCreatesOnTheSameServers(@TempDir Path dir) {
        LocalStack owner = LocalStack.shared();
        Path file = dir.resolve("stack.properties");
        AttachFile.write(file, owner.addresses());

        LocalStack attached = LocalStack.attach(file);
        assertThat(attached.addresses()).isEqualTo(owner.addresses());
        assertThat(attached.processes()).isEmpty();
        assertThat(attached.newDatabase().jdbcUrl())
                .startsWith(owner.addresses().postgres().jdbcUrl(""));
        assertThat(attached.newBucket()).isNotBlank();
        attached.close(); // stops nothing: the servers belong to the owner
        assertThat(owner.newDatabase()).isNotNull();
    }

    @Test
    void fileWithoutAKeyIsRefusedByName() {
        Properties p = LocalStack.shared().addresses().toProperties();
        p.remove("kafka.bootstrap-servers");
        assertThatThrownBy(() -> StackAddresses.fromProperties(p))
                .hasMessageContaining("kafka.bootstrap-servers");
    }
}
