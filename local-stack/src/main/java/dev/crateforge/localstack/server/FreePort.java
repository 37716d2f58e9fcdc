package dev.crateforge.localstack.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A loopback port that nothing listens on right now, for a server to take. */
public final class FreePort {

    private FreePort() {}

    /** Asks the kernel for an ephemeral port, or returns {@code wanted} if it is not 0. */
    public static int pick(int wanted) {
        if (wanted != 0) {
            return wanted;
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
