package dev.crateforge.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.gateway.support.FakeBuilder;
import dev.crateforge.protocol.contract.SocketClose;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The routing table and draining, without sockets. */
class BuilderSessionsTests {

    @Test
    void newerConnectionReplacesOlderAndOlderCannotUnbindIt() {
        BuilderSessions sessions = new BuilderSessions();
        UUID builder = UUID.randomUUID();
        FakeBuilder older = new FakeBuilder(builder, "c1");
        FakeBuilder newer = new FakeBuilder(builder, "c2");

        assertThat(sessions.bind(older)).isEmpty();
        assertThat(sessions.bind(newer)).contains(older);
        assertThat(sessions.unbind(older)).isFalse();

        assertThat(sessions.find(builder)).contains(newer);
    }

    @Test
    void drainingClosesEveryOpenConnectionWithGoingAway() {
        BuilderSessions sessions = new BuilderSessions();
        FakeBuilder pending = new FakeBuilder(UUID.randomUUID(), "c1");
        FakeBuilder authenticated = new FakeBuilder(UUID.randomUUID(), "c2");
        sessions.opened("s1", pending);
        sessions.opened("s2", authenticated);
        sessions.bind(authenticated);

        int closed = sessions.drain(SocketClose.DRAINING);

        assertThat(closed).isEqualTo(2);
        assertThat(sessions.draining()).isTrue();
        assertThat(pending.closedWith).isEqualTo(SocketClose.DRAINING);
        assertThat(authenticated.closedWith).isEqualTo(SocketClose.DRAINING);
    }
}
