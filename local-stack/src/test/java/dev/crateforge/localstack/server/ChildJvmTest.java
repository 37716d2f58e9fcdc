package dev.crateforge.localstack.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that cannot start says which server, which port and which log file. */
class ChildJvmTest {

    @Test
    void childThatDiesIsReportedWithItsLog(@TempDir Path dir) {
        int port = FreePort.pick(0);
        Path log = dir.resolve("logs/broken.log");
        assertThatThrownBy(
                        () ->
                                ChildJvm.named("Broken", port, log)
                                        .classpath(
                                                ServerClasspath.forRoots(
                                                        "ch.qos.logback:logback-classic"))
                                        .main("no.such.Main")
                                        .start())
                .isInstanceOf(ServerStartException.class)
                .hasMessageContaining("Broken did not start on 127.0.0.1:" + port)
                .hasMessageContaining("exited with code")
                .hasMessageContaining(log.toString())
                .hasMessageContaining("ClassNotFoundException: no.such.Main");
    }

    @Test
    void portInUseIsReportedBeforeLaunching(@TempDir Path dir) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> S3ProxyServer.start(dir, port))
                    .isInstanceOf(ServerStartException.class)
                    .hasMessageContaining("S3Proxy did not start on 127.0.0.1:" + port)
                    .hasMessageContaining("already in use")
                    .hasMessageContaining(dir.resolve("logs/s3proxy.log").toString());
        }
    }
}
