package dev.crateforge.protocol.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DsseTests {

    @Test
    void paeIsTheSpecificationsExample() {
        // secure-systems-lab/dsse protocol.md, "Test Vectors".
        byte[] pae =
                Dsse.pae(
                        "http://example.com/HelloWorld",
                        "hello world".getBytes(StandardCharsets.UTF_8));

        assertThat(new String(pae, StandardCharsets.UTF_8))
                .isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    }

    @Test
    void paeCountsBytesNotCharacters() {
        byte[] body = "é".getBytes(StandardCharsets.UTF_8);

        byte[] pae = Dsse.pae("tÿpe", body);

        assertThat(new String(pae, StandardCharsets.UTF_8)).isEqualTo("DSSEv1 5 tÿpe 2 é");
    }

    @Test
    void paeOfAnEmptyBodyEndsWithTheSeparator() {
        assertThat(
                        new String(
                                Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, new byte[0]),
                                StandardCharsets.US_ASCII))
                .isEqualTo("DSSEv1 28 application/vnd.in-toto+json 0 ");
    }
}
