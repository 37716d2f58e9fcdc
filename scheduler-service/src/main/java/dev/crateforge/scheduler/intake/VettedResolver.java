package dev.crateforge.scheduler.intake;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.http.conn.DnsResolver;

/**
 * The source proxy's name resolution: the addresses it returns are the ones the connection is made
 * to, and none of them is private unless the registry allows private addresses. Checking a URL's
 * host and then letting the HTTP client resolve it again would leave a window in which a host with
 * a short-lived DNS answer (DNS rebinding) passes the check with a public address and is then
 * connected to at a private one; resolving once, here, closes it.
 */
final class VettedResolver implements DnsResolver {

    /** Name resolution itself, the system's by default; a test gives its own answers. */
    interface Lookup {
        InetAddress[] all(String host) throws UnknownHostException;
    }

    /** Thrown when a host resolves to a private address the registry does not allow. */
    static final class PrivateAddressRefused extends UnknownHostException {
        PrivateAddressRefused(String host) {
            super(host + " resolves to a private address");
        }
    }

    private final boolean allowPrivateAddresses;
    private final Lookup lookup;

    VettedResolver(boolean allowPrivateAddresses) {
        this(allowPrivateAddresses, InetAddress::getAllByName);
    }

    VettedResolver(boolean allowPrivateAddresses, Lookup lookup) {
        this.allowPrivateAddresses = allowPrivateAddresses;
        this.lookup = lookup;
    }

    /**
     * All addresses of {@code host}, or {@link PrivateAddressRefused} when any of them is private
     * and not allowed: a name that answers with a public and a private address is refused whole,
     * since the client may try either.
     */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = lookup.all(host);
        if (!allowPrivateAddresses) {
            for (InetAddress address : addresses) {
                if (PrivateAddresses.isPrivate(address)) {
                    throw new PrivateAddressRefused(host);
                }
            }
        }
        return addresses;
    }
}
