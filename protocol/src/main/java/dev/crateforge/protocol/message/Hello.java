package dev.crateforge.protocol.message;

import static dev.crateforge.protocol.json.Fields.matching;
import static dev.crateforge.protocol.json.Fields.optionalText;
import static dev.crateforge.protocol.json.Fields.range;

import java.util.regex.Pattern;

/**
 * The first message of a connection: the protocol version the builder speaks and the fingerprint of
 * its SSH key, exactly as {@code ssh-keygen -lf} prints it.
 *
 * @param agent optional name and version of the builder software, for the operator's eyes
 */
public record Hello(Integer protocolVersion, String fingerprint, String agent)
        implements ClientMessage {

    static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");

    public Hello {
        range(protocolVersion, "protocolVersion", 1, 1000);
        matching(fingerprint, "fingerprint", FINGERPRINT, "an SSH SHA256 fingerprint");
        optionalText(agent, "agent", 128);
    }
}
