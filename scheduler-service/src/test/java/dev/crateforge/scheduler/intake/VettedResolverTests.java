package dev.crateforge.scheduler.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VettedResolverTests {

    private static InetAddress[] answer(String... addresses) {
        InetAddress[] resolved = new InetAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            try {
                resolved[i] = InetAddress.getByName(addresses[i]);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(addresses[i], e);
            }
        }
        return resolved;
    }

    @Test
    void aPublicAnswerIsWhatTheConnectionUses() throws UnknownHostException {
        VettedResolver resolver =
                new VettedResolver(false, host -> answer("93.184.215.14", "2606:2800:21f::1"));

        assertThat(resolver.resolve("files.registry.test"))
                .containsExactly(answer("93.184.215.14", "2606:2800:21f::1"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1", // this machine
                "10.1.2.3", // the cluster's network
                "172.16.0.9",
                "192.168.1.1",
                "169.254.169.254", // a cloud's metadata service
                "0.0.0.0",
                "100.64.0.10", // shared address space (RFC 6598)
                "100.127.255.254",
                "224.0.0.1",
                "::1",
                "fe80::1",
                "fd00::1", // IPv6 unique local
                "::ffff:127.0.0.1" // IPv4-mapped loopback
            })
    void aPrivateAddressIsRefused(String address) {
        VettedResolver resolver = new VettedResolver(false, host -> answer(address));

        assertThatThrownBy(() -> resolver.resolve("files.registry.test"))
                .isInstanceOf(VettedResolver.PrivateAddressRefused.class)
                .hasMessage("files.registry.test resolves to a private address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"100.63.255.255", "100.128.0.1", "172.32.0.1", "11.0.0.1"})
    void neighboursOfPrivateRangesArePublic(String address) throws UnknownHostException {
        VettedResolver resolver = new VettedResolver(false, host -> answer(address));

        assertThat(resolver.resolve("files.registry.test")).containsExactly(answer(address));
    }

    @Test
    void anAnswerWithOnePrivateAddressIsRefusedWhole() {
        VettedResolver resolver =
                new VettedResolver(false, host -> answer("93.184.215.14", "10.0.0.5"));

        assertThatThrownBy(() -> resolver.resolve("files.registry.test"))
                .isInstanceOf(VettedResolver.PrivateAddressRefused.class);
    }

    @Test
    void aRegistryThatAllowsPrivateAddressesGetsThem() throws UnknownHostException {
        VettedResolver resolver = new VettedResolver(true, host -> answer("127.0.0.1"));

        assertThat(resolver.resolve("registry.internal")).containsExactly(answer("127.0.0.1"));
    }

    /**
     * DNS rebinding: the first answer is public, the next one (a short TTL later) private. Every
     * resolution the client makes to connect goes through the check, so the second is refused.
     */
    @Test
    void aNameThatRebindsToAPrivateAddressIsRefusedAtTheConnectionItWouldServe() throws Exception {
        Deque<InetAddress[]> answers =
                new ArrayDeque<>(
                        java.util.List.of(answer("93.184.215.14"), answer("169.254.169.254")));
        VettedResolver resolver = new VettedResolver(false, host -> answers.pop());

        assertThat(resolver.resolve("rebinding.test")).containsExactly(answer("93.184.215.14"));
        assertThatThrownBy(() -> resolver.resolve("rebinding.test"))
                .isInstanceOf(VettedResolver.PrivateAddressRefused.class);
    }

    @Test
    void aNameThatDoesNotResolveStaysUnknown() {
        VettedResolver resolver =
                new VettedResolver(
                        false,
                        host -> {
                            throw new UnknownHostException(host);
                        });

        assertThatThrownBy(() -> resolver.resolve("nowhere.test"))
                .isInstanceOf(UnknownHostException.class)
                .isNotInstanceOf(VettedResolver.PrivateAddressRefused.class);
    }
}
