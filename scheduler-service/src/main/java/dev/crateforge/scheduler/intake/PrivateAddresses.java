package dev.crateforge.scheduler.intake;

import java.net.InetAddress;

/**
 * Addresses a registry's download URL must not lead to unless the registry allows private
 * addresses: this machine, the cluster's and the cloud's own networks (a metadata service is
 * link-local). One definition, used where the intake judges a URL and where the source proxy
 * connects.
 */
final class PrivateAddresses {

    private PrivateAddresses() {}

    static boolean isPrivate(InetAddress address) {
        return address.isLoopbackAddress()
                || address.isAnyLocalAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()
                || isUniqueLocal(address)
                || isSharedAddressSpace(address);
    }

    /** IPv6 unique local addresses (fc00::/7), which {@link InetAddress} does not call private. */
    private static boolean isUniqueLocal(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc;
    }

    /**
     * 100.64.0.0/10 (RFC 6598), which carrier-grade NAT and several Kubernetes network plugins use
     * for pods and services, and which {@link InetAddress} does not call site-local.
     */
    private static boolean isSharedAddressSpace(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 4 && (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64;
    }
}
