package dev.crateforge.scheduler.intake;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one registry's versions become: which crates are built (allow and deny lists), for which
 * targets and kinds, at which priority, and whether a download URL may point at this machine or a
 * private network. One instance per poll (it remembers the hosts it resolved during the poll).
 */
final class IntakePolicy {

    private final IntakeConfig.Registry config;
    private final Optional<Set<String>> allow;
    private final Set<String> deny;
    private final Map<String, Optional<String>> hostVerdicts = new HashMap<>();

    IntakePolicy(IntakeConfig.Registry config) {
        this.config = config;
        this.allow = config.allow().map(IntakePolicy::lowercase);
        this.deny = config.deny().map(IntakePolicy::lowercase).orElse(Set.of());
    }

    /** Whether versions of this crate become jobs (crate names compare case-insensitively). */
    boolean wants(String crate) {
        String name = crate.toLowerCase(Locale.ROOT);
        return !deny.contains(name) && allow.map(a -> a.contains(name)).orElse(true);
    }

    List<String> targets() {
        return config.targets();
    }

    List<String> kinds() {
        return config.kinds();
    }

    int priority(boolean backfill) {
        return backfill ? config.backfillPriority() : config.priority();
    }

    int maxJobsPerPoll() {
        return config.maxJobsPerPoll();
    }

    /**
     * Why a download URL is refused, or empty when it is acceptable: a loopback, link-local,
     * site-local or wildcard address (literal, {@code localhost}, or what the host resolves to) is
     * refused unless the registry allows private addresses. A host that does not resolve is not
     * refused here: nobody can fetch from it, and the builder reports the failure.
     */
    Optional<String> refuseDownload(String url) {
        if (config.allowPrivateAddresses()) {
            return Optional.empty();
        }
        String host;
        try {
            host = new URI(url).getHost();
        } catch (URISyntaxException e) {
            return Optional.of("the download URL is not a valid URL");
        }
        if (host == null) {
            return Optional.of("the download URL has no host");
        }
        return hostVerdicts.computeIfAbsent(host.toLowerCase(Locale.ROOT), IntakePolicy::judge);
    }

    private static Optional<String> judge(String host) {
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return Optional.of("the download URL points at this machine");
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        try {
            for (InetAddress address : InetAddress.getAllByName(bare)) {
                if (PrivateAddresses.isPrivate(address)) {
                    return Optional.of("the download URL points at a private address");
                }
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Set<String> lowercase(List<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }
}
